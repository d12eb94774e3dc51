package io.berth.e2e.bench;

import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.ContainerMetadata;
import io.berth.cri.v1.ContainerState;
import io.berth.cri.v1.ContainerStatusRequest;
import io.berth.cri.v1.CreateContainerRequest;
import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.LinuxContainerConfig;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import io.berth.cri.v1.LinuxPodSandboxConfig;
import io.berth.cri.v1.LinuxSandboxSecurityContext;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.NamespaceOption;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxMetadata;
import io.berth.cri.v1.PullImageRequest;
import io.berth.cri.v1.ImageServiceGrpc;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What every suite needs for one runtime: the daemon and its client, where
 * results go, the image references, and builders for the pod and container
 * configs (the same for every runtime).
 */
final class BenchContext {

    /** Exits on SIGTERM at once: `wait` is interrupted by the trapped signal, unlike a foreground sleep. */
    /**
     * Says "ready" once its TERM trap is set: as PID 1 of its namespace, sh ignores
     * SIGTERM until then, and a stop in that window waits out the whole timeout.
     */
    static final List<String> SLEEP_COMMAND = List.of("/bin/sh", "-c",
            "trap 'exit 0' TERM; echo ready; sleep 3600 & wait");

    /**
     * What the kubelet sends for a pod without shareProcessNamespace: its own
     * PID namespace per container (the proto's default, POD, would make every
     * runtime start a pod-wide init process).
     */
    private static final NamespaceOption NAMESPACES = NamespaceOption.newBuilder()
            .setNetwork(NamespaceMode.POD).setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD).build();

    final ManagedDaemon daemon;
    final RuntimeResult result;
    final String busyboxImage;
    final String bigImage;
    final long bigImageBytes;
    final String cgroupParent;
    final Path logDir;
    private final AtomicInteger serial = new AtomicInteger();

    BenchContext(ManagedDaemon daemon, RuntimeResult result, String busyboxImage, String bigImage,
            long bigImageBytes, String cgroupParent) {
        this.daemon = daemon;
        this.result = result;
        this.busyboxImage = busyboxImage;
        this.bigImage = bigImage;
        this.bigImageBytes = bigImageBytes;
        this.cgroupParent = cgroupParent;
        this.logDir = daemon.dir.resolve("pod-logs");
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
        return daemon.client().runtime();
    }

    ImageServiceGrpc.ImageServiceBlockingStub img() {
        return daemon.client().images();
    }

    /** Calls {@code call}, adding its wall time to {@code op}'s samples. */
    <T> T timed(String op, Supplier<T> call) {
        long t0 = System.nanoTime();
        T r = untimed(op, call);
        result.samples(op).add(System.nanoTime() - t0);
        return r;
    }

    /** Calls {@code call} (a warm-up), naming {@code op} if it fails. */
    <T> T untimed(String op, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw new OpFailed(op, e);
        }
    }

    /** A unique pod with its own cgroup under the benchmark's parent, as a kubelet would send it. */
    PodSandboxConfig pod(String prefix) {
        int n = serial.incrementAndGet();
        String uid = UUID.randomUUID().toString();
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(prefix + "-" + n).setNamespace("bench")
                        .setUid(uid).setAttempt(0))
                .setHostname(prefix + "-" + n)
                .setLogDirectory(logDir.resolve(uid).toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent(cgroupParent + "/pod" + uid)
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NAMESPACES)))
                .build();
    }

    CreateContainerRequest sleeper(String podId, PodSandboxConfig pod) {
        int n = serial.incrementAndGet();
        return CreateContainerRequest.newBuilder().setPodSandboxId(podId).setSandboxConfig(pod)
                .setConfig(ContainerConfig.newBuilder()
                        .setMetadata(ContainerMetadata.newBuilder().setName("sleep-" + n))
                        .setImage(ImageSpec.newBuilder().setImage(busyboxImage))
                        .addAllCommand(SLEEP_COMMAND)
                        .setLogPath("sleep-" + n + ".log")
                        .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                                LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(NAMESPACES))))
                .build();
    }

    /** Waits (untimed) until the sleeper's log says its trap is set; see {@link #SLEEP_COMMAND}. */
    static void awaitReady(PodSandboxConfig pod, CreateContainerRequest created) {
        Path log = Path.of(pod.getLogDirectory(), created.getConfig().getLogPath());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(log) && Files.readString(log).contains(" ready")) {
                    return;
                }
                Thread.sleep(1);
            } catch (IOException e) {
                // The runtime may be rotating or creating it; look again.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("container log " + log + " never said ready");
    }

    void pull(String image) {
        img().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
    }

    ContainerState state(String containerId) {
        return rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId).build())
                .getStatus().getState();
    }

    /** An RPC failed inside a suite; the suite stops and the reason is recorded against the op. */
    static final class OpFailed extends RuntimeException {
        final String op;
        final Status.Code code;

        OpFailed(String op, StatusRuntimeException cause) {
            super(op + ": " + cause.getStatus().getCode() + " " + cause.getStatus().getDescription(), cause);
            this.op = op;
            this.code = cause.getStatus().getCode();
        }
    }
}
