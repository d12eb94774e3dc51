package io.berth.runtime.stream;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * What the streaming server needs from the container runtime (STYLE.md rule 7):
 * three calls, each made when a client has opened its streams. The real
 * implementation is {@code runtime.ShimStreamRuntime} (the OCI runtime's exec,
 * through berth-shim when there is a terminal; the container shim's attach
 * socket; a socket opened inside the pod's network namespace); the protocol
 * tests use a local-process fake.
 *
 * <p>An exec is started only once the client's streams are there, and its
 * output must wait for the client rather than be lost or dropped: a slow
 * client slows the process down.
 *
 * <p>The calls block and may be slow; they run on virtual threads. A failure is
 * reported to the client on the error stream, so implementations throw with a
 * message that names the container or sandbox.
 */
public interface StreamRuntime {

    /** Starts {@code request.cmd()} inside the container's namespaces (with a pty when {@code tty}). */
    StreamSession exec(ExecStreamRequest request) throws IOException;

    /** Connects to the container's main process output (and stdin when the container has it). */
    StreamSession attach(AttachStreamRequest request) throws IOException;

    /**
     * Opens a TCP connection to {@code port} on the pod's loopback, from inside the pod's network
     * namespace (a host-network pod: the host's). The channel is connected and in blocking mode;
     * the caller owns and closes it.
     */
    SocketChannel portForward(String sandboxId, int port) throws IOException;
}
