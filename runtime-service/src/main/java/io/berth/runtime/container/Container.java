package io.berth.runtime.container;

import com.google.protobuf.InvalidProtocolBufferException;
import io.berth.common.error.InternalException;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.LinuxContainerResources;
import java.util.Map;

/**
 * The persisted record of one container. Immutable: every change is a new
 * record written through the RecordStore, so a crash leaves the old record or
 * the new one, never half of each.
 *
 * @param id             64 hex characters
 * @param createdAtNanos wall clock, Unix epoch nanoseconds
 * @param image          what the kubelet asked for and what it resolved to
 * @param logPath        absolute CRI log path ("" when the kubelet gave none)
 * @param runtimeHandler the sandbox's handler ("" = the default runtime)
 * @param stopSignal     resolved at create: config, else image, else SIGTERM
 * @param config         the kubelet's ContainerConfig as protobuf bytes
 * @param resources      the latest LinuxContainerResources (UpdateContainerResources folded in)
 * @param user           the process's identity as the spec resolved it
 * @param process        set once started; null before
 * @param exit           set once exited (or the start failed); null before
 */
public record Container(String id, String sandboxId, ContainerName metadata, ContainerState state,
                        long createdAtNanos, ImageRef image, Map<String, String> labels,
                        Map<String, String> annotations, String logPath, String runtimeHandler, int stopSignal,
                        byte[] config, byte[] resources, RunAs user, ProcessInfo process,
                        ExitInfo exit) {

    /** The metadata the kubelet names a container by; unique per pod. */
    public record ContainerName(String name, int attempt) {
        /** What the registrar holds: one name + attempt per pod. */
        public String reservedIn(String sandboxId) {
            return name + "_" + sandboxId + "_" + attempt;
        }
    }

    /**
     * @param spec    the image as the kubelet named it (ContainerConfig.image.image)
     * @param ref     a repo digest of the image when known, else its id (ContainerStatus.image_ref)
     * @param id      the image id (config digest), as PullImage returns it
     * @param chainId top-most snapshot chain id: what the rootfs is made of, leased while the container exists
     */
    public record ImageRef(String spec, String ref, String id, String chainId) {
    }

    /** The user the process runs as (ContainerStatus.user). */
    public record RunAs(long uid, long gid, java.util.List<Long> groups) {
        public RunAs {
            groups = groups == null ? java.util.List.of() : java.util.List.copyOf(groups);
        }
    }

    /** @param pid the container's init on the host; shimPid its detached shim */
    public record ProcessInfo(long pid, long shimPid, long startedAtNanos) {
    }

    /** @param reason Completed, Error, OOMKilled, or berth's StartError/Unknown */
    public record ExitInfo(int exitCode, long finishedAtNanos, String reason, String message) {
    }

    public Container {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public ContainerConfig parsedConfig() {
        try {
            return ContainerConfig.parseFrom(config == null ? new byte[0] : config);
        } catch (InvalidProtocolBufferException e) {
            throw new InternalException("the stored config of container " + id + " is unreadable", e);
        }
    }

    public LinuxContainerResources parsedResources() {
        try {
            return LinuxContainerResources.parseFrom(resources == null ? new byte[0] : resources);
        } catch (InvalidProtocolBufferException e) {
            throw new InternalException("the stored resources of container " + id + " are unreadable", e);
        }
    }

    public Container withState(ContainerState s) {
        return new Container(id, sandboxId, metadata, s, createdAtNanos, image, labels, annotations, logPath,
                runtimeHandler, stopSignal, config, resources, user, process, exit);
    }

    public Container started(ProcessInfo p) {
        return new Container(id, sandboxId, metadata, ContainerState.RUNNING, createdAtNanos, image, labels,
                annotations, logPath, runtimeHandler, stopSignal, config, resources, user, p, null);
    }

    public Container exited(ExitInfo e) {
        return new Container(id, sandboxId, metadata, ContainerState.EXITED, createdAtNanos, image, labels,
                annotations, logPath, runtimeHandler, stopSignal, config, resources, user, process, e);
    }

    public Container withUser(RunAs u) {
        return new Container(id, sandboxId, metadata, state, createdAtNanos, image, labels, annotations, logPath,
                runtimeHandler, stopSignal, config, resources, u, process, exit);
    }

    public Container withResources(LinuxContainerResources r) {
        return new Container(id, sandboxId, metadata, state, createdAtNanos, image, labels, annotations, logPath,
                runtimeHandler, stopSignal, config, r.toByteArray(), user, process, exit);
    }
}
