package io.berth.runtime.stream.runtime;

import io.berth.cni.netns.NetnsThreads;
import io.berth.runtime.stream.AttachStreamRequest;
import io.berth.runtime.stream.ExecStreamRequest;
import io.berth.runtime.stream.StreamRuntime;
import io.berth.runtime.stream.StreamSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * The real {@link StreamRuntime}: exec through the OCI runtime in the foreground
 * (with a terminal: through berth-shim's exec mode), attach
 * through the container shim's attach socket, port-forward by a socket opened
 * inside the pod's network namespace.
 */
public final class ShimStreamRuntime implements StreamRuntime {

    private final ContainerStreams lookups;

    public ShimStreamRuntime(ContainerStreams lookups) {
        this.lookups = lookups;
    }

    /**
     * A terminal needs berth-shim (it receives the pty master, resizes it, and reaps the process
     * for its exit code); without one the OCI runtime runs in the foreground on berthd's pipes.
     */
    @Override
    public StreamSession exec(ExecStreamRequest request) throws IOException {
        RunningContainer c = lookups.running(request.containerId());
        return request.stdio().tty() ? ShimExecSession.start(c, request) : RuntimeExecSession.start(c, request);
    }

    @Override
    public StreamSession attach(AttachStreamRequest request) throws IOException {
        return ShimAttachSession.open(lookups.running(request.containerId()), request);
    }

    /**
     * A platform thread enters the pod's netns only to open and connect the
     * socket; the socket keeps the namespace it was created in.
     */
    @Override
    public SocketChannel portForward(String sandboxId, int port) throws IOException {
        PodNetns pod = lookups.readySandbox(sandboxId);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            if (pod.hostNetwork()) {
                return dial(target);
            }
            return NetnsThreads.callIn(pod.netns(), () -> dial(target));
        } catch (IOException e) {
            throw new IOException("port forward to port " + port + " of pod sandbox " + pod.id() + ": "
                    + e.getMessage(), e);
        }
    }

    private static SocketChannel dial(InetSocketAddress target) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.connect(target);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }
}
