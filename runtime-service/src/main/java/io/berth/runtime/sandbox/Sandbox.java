package io.berth.runtime.sandbox;

import com.google.protobuf.InvalidProtocolBufferException;
import io.berth.common.error.InternalException;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.runtime.cgroup.PodCgroup;
import java.nio.file.Path;
import java.util.Map;

/**
 * The persisted record of one pod sandbox. Immutable: every change is a new
 * record written through the store (RecordStore), so a crash leaves either
 * the old record or the new one.
 *
 * @param id             64 hex characters
 * @param createdAtNanos wall-clock creation time in nanoseconds since the epoch
 * @param runtimeHandler the RuntimeClass handler as the kubelet sent it ("" = default)
 * @param namespaces     what the containers join
 * @param network        CNI outcome; {@link SandboxNetwork#none()} for host network
 * @param cgroup         the pod cgroup (its path, systemd slice, and whether berth made it)
 * @param filesDir       directory holding the pod's resolv.conf, hostname and hosts
 * @param config         the kubelet's PodSandboxConfig as protobuf bytes, with the
 *                       latest resources from UpdatePodSandboxResources folded in
 */
public record Sandbox(String id, SandboxMetadata metadata, SandboxState state, long createdAtNanos,
                      String runtimeHandler, Map<String, String> labels, Map<String, String> annotations,
                      SandboxNamespaces namespaces, SandboxNetwork network, PodCgroup cgroup,
                      String filesDir, byte[] config) {

    public Sandbox {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public PodSandboxConfig parsedConfig() {
        try {
            return PodSandboxConfig.parseFrom(config == null ? new byte[0] : config);
        } catch (InvalidProtocolBufferException e) {
            throw new InternalException("the stored config of pod sandbox " + id + " is unreadable", e);
        }
    }

    public Path resolvConfPath() {
        return Path.of(filesDir, "resolv.conf");
    }

    public Path hostnamePath() {
        return Path.of(filesDir, "hostname");
    }

    public Path hostsPath() {
        return Path.of(filesDir, "hosts");
    }

    public Sandbox withState(SandboxState s) {
        return new Sandbox(id, metadata, s, createdAtNanos, runtimeHandler, labels, annotations,
                namespaces, network, cgroup, filesDir, config);
    }

    public Sandbox withNamespaces(SandboxNamespaces ns) {
        return new Sandbox(id, metadata, state, createdAtNanos, runtimeHandler, labels, annotations,
                ns, network, cgroup, filesDir, config);
    }

    public Sandbox withNetwork(SandboxNetwork n) {
        return new Sandbox(id, metadata, state, createdAtNanos, runtimeHandler, labels, annotations,
                namespaces, n, cgroup, filesDir, config);
    }

    public Sandbox withCgroup(PodCgroup c) {
        return new Sandbox(id, metadata, state, createdAtNanos, runtimeHandler, labels, annotations,
                namespaces, network, c, filesDir, config);
    }

    public Sandbox withConfig(PodSandboxConfig c) {
        return new Sandbox(id, metadata, state, createdAtNanos, runtimeHandler, labels, annotations,
                namespaces, network, cgroup, filesDir, c.toByteArray());
    }
}
