package io.berth.runtime.container;

import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.ContainerMetadata;
import io.berth.cri.v1.ContainerResources;
import io.berth.cri.v1.ContainerUser;
import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.LinuxContainerUser;
import io.berth.cri.v1.PodIP;
import io.berth.cri.v1.PodSandboxNetworkStatus;
import io.berth.cri.v1.PodSandboxState;
import io.berth.cri.v1.PodSandboxStatus;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.sandbox.SandboxState;

/** Container records as CRI messages. */
public final class ContainerProtos {

    private ContainerProtos() {
    }

    public static ContainerMetadata metadata(Container c) {
        return ContainerMetadata.newBuilder().setName(c.metadata().name()).setAttempt(c.metadata().attempt()).build();
    }

    private static ImageSpec image(Container c, ContainerConfig cfg) {
        ImageSpec given = cfg.getImage();
        // The kubelet compares image with what it asked for; image_ref names what it got.
        return given.toBuilder().setImage(c.image().spec()).setImageRef(c.image().id()).build();
    }

    public static io.berth.cri.v1.Container summary(Container c) {
        return io.berth.cri.v1.Container.newBuilder()
                .setId(c.id()).setPodSandboxId(c.sandboxId()).setMetadata(metadata(c))
                .setImage(ImageSpec.newBuilder().setImage(c.image().spec()))
                .setImageRef(c.image().ref()).setImageId(c.image().id())
                .setState(c.state().toCri()).setCreatedAt(c.createdAtNanos())
                .putAllLabels(c.labels()).putAllAnnotations(c.annotations())
                .build();
    }

    public static io.berth.cri.v1.ContainerStatus status(Container c) {
        ContainerConfig cfg = c.parsedConfig();
        io.berth.cri.v1.ContainerStatus.Builder b = io.berth.cri.v1.ContainerStatus.newBuilder()
                .setId(c.id()).setMetadata(metadata(c)).setState(c.state().toCri())
                .setCreatedAt(c.createdAtNanos())
                .setImage(image(c, cfg)).setImageRef(c.image().ref()).setImageId(c.image().id())
                .putAllLabels(c.labels()).putAllAnnotations(c.annotations())
                .addAllMounts(cfg.getMountsList()).setLogPath(c.logPath())
                .setResources(ContainerResources.newBuilder().setLinux(c.parsedResources()))
                .setStopSignal(cfg.getStopSignal());
        if (c.user() != null) {
            b.setUser(ContainerUser.newBuilder().setLinux(LinuxContainerUser.newBuilder()
                    .setUid(c.user().uid()).setGid(c.user().gid()).addAllSupplementalGroups(c.user().groups())));
        }
        if (c.process() != null) {
            b.setStartedAt(c.process().startedAtNanos());
        }
        if (c.exit() != null) {
            b.setFinishedAt(c.exit().finishedAtNanos()).setExitCode(c.exit().exitCode())
                    .setReason(c.exit().reason()).setMessage(c.exit().message());
        }
        return b.build();
    }

    /** The pod part of a container event (api.proto, ContainerEventResponse.pod_sandbox_status). */
    public static PodSandboxStatus podStatus(Sandbox s) {
        PodSandboxStatus.Builder b = PodSandboxStatus.newBuilder()
                .setId(s.id()).setMetadata(s.metadata().toProto())
                .setState(s.state() == SandboxState.READY ? PodSandboxState.SANDBOX_READY
                        : PodSandboxState.SANDBOX_NOTREADY)
                .setCreatedAt(s.createdAtNanos()).putAllLabels(s.labels()).putAllAnnotations(s.annotations())
                .setRuntimeHandler(s.runtimeHandler());
        if (s.network() != null && s.network().ip() != null && !s.network().ip().isEmpty()) {
            b.setNetwork(PodSandboxNetworkStatus.newBuilder().setIp(s.network().ip())
                    .addAllAdditionalIps(s.network().additionalIps().stream()
                            .map(ip -> PodIP.newBuilder().setIp(ip).build()).toList()));
        }
        return b.build();
    }
}
