package io.berth.runtime.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.InternalException;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a CRI container request into an OCI runtime-spec config.json (runtime
 * spec 1.0.2, what runc 1.1 implements). One class decides; the parts live in
 * small builders (process, mounts, devices, resources) so each is tested alone.
 * Security-profile fields (seccomp, AppArmor, SELinux, user namespaces) are
 * decided in their own classes and joined in {@link #security}.
 */
public final class OciSpecGenerator {

    static final String OCI_VERSION = "1.0.2";

    /** Paths hidden from unprivileged containers when the kubelet sends none. */
    static final List<String> DEFAULT_MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore",
            "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
            "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");
    static final List<String> DEFAULT_READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public byte[] configJson(SpecInput in) {
        return configJson(in, UserResolver.forRootfs(in.rootfs()));
    }

    /** @param users the rootfs's passwd and group, already read (a caller may keep them per image) */
    public byte[] configJson(SpecInput in, UserResolver users) {
        try {
            return JSON.writeValueAsBytes(generate(in, users));
        } catch (JsonProcessingException e) {
            throw new InternalException("cannot serialise the OCI spec of container " + in.containerId(), e);
        }
    }

    public ObjectNode generate(SpecInput in) {
        return generate(in, UserResolver.forRootfs(in.rootfs()));
    }

    ObjectNode generate(SpecInput in, UserResolver users) {
        ContainerConfig c = in.config();
        LinuxContainerSecurityContext sc = c.getLinux().getSecurityContext();
        ObjectNode spec = F.objectNode();
        spec.put("ociVersion", OCI_VERSION);
        UserNamespaceSpec.Mappings userns = UserNamespaceSpec.forContainer(in);
        ObjectNode process = ProcessSpec.build(in, users);
        spec.set("process", process);
        ObjectNode root = spec.putObject("root");
        root.put("path", in.rootfs().toString());
        root.put("readonly", sc.getReadonlyRootfs());
        MountSpec.RootPropagation propagation = MountSpec.build(in, spec.putArray("mounts"), userns);
        annotations(in, spec.putObject("annotations"));

        ObjectNode linux = spec.putObject("linux");
        namespaces(in, linux.putArray("namespaces"), userns != null);
        if (userns != null && (in.namespaces().usernsPath() == null
                || in.host().runtime().needsMappingsToJoinUserns())) {
            UserNamespaceSpec.putMappings(linux, "uidMappings", List.of(userns.uid()));
            UserNamespaceSpec.putMappings(linux, "gidMappings", List.of(userns.gid()));
        }
        linux.put("cgroupsPath", in.cgroupsPath());
        ObjectNode resources = linux.putObject("resources");
        ResourcesSpec.build(c.getLinux().getResources(), resources);
        DeviceSpec.build(c.getDevicesList(), sc.getPrivileged(), linux, resources);
        if (propagation != MountSpec.RootPropagation.NONE) {
            linux.put("rootfsPropagation", propagation.name().toLowerCase(java.util.Locale.ROOT));
        }
        security(in, process, linux);
        return spec;
    }

    private static void namespaces(SpecInput in, ArrayNode ns, boolean userns) {
        SpecInput.NamespacePlan plan = in.namespaces();
        ns.addObject().put("type", "mount");
        if (userns) {
            ObjectNode user = ns.addObject().put("type", "user");
            if (plan.usernsPath() != null) {
                user.put("path", plan.usernsPath());
            }
        }
        joinOrHost(ns, "network", plan.netns());
        joinOrHost(ns, "ipc", plan.ipc());
        joinOrHost(ns, "uts", plan.uts());
        if (plan.pidPath() != null) {
            ns.addObject().put("type", "pid").put("path", plan.pidPath());
        } else if (!plan.hostPid()) {
            ns.addObject().put("type", "pid");
        }
        if (in.host().cgroupV2()) {
            ns.addObject().put("type", "cgroup");
        }
    }

    /** A null path means the host's namespace, which OCI expresses by leaving the type out. */
    private static void joinOrHost(ArrayNode ns, String type, String path) {
        if (path != null) {
            ns.addObject().put("type", type).put("path", path);
        }
    }

    /** The annotations tools look for (containerd's names) plus the kubelet's own. */
    private static void annotations(SpecInput in, ObjectNode a) {
        in.config().getAnnotationsMap().forEach(a::put);
        var meta = in.podConfig().getMetadata();
        a.put("io.kubernetes.cri.container-type", "container");
        a.put("io.kubernetes.cri.container-name", in.config().getMetadata().getName());
        a.put("io.kubernetes.cri.sandbox-id", in.sandboxId());
        a.put("io.kubernetes.cri.sandbox-name", meta.getName());
        a.put("io.kubernetes.cri.sandbox-namespace", meta.getNamespace());
        a.put("io.kubernetes.cri.sandbox-uid", meta.getUid());
        a.put("io.kubernetes.cri.image-name", in.image().imageName());
        in.host().extraAnnotations().forEach(a::put);
    }

    /**
     * Seccomp, AppArmor, SELinux, masked and read-only paths. Seccomp is judged
     * against the capabilities the process really gets; AppArmor comes last
     * because loading the default profile is the generator's one side effect.
     */
    static void security(SpecInput in, ObjectNode process, ObjectNode linux) {
        LinuxContainerSecurityContext sc = in.config().getLinux().getSecurityContext();
        List<String> caps = new ArrayList<>();
        process.at("/capabilities/effective").forEach(c -> caps.add(c.asText()));
        ObjectNode seccomp = SeccompProfiles.forContainer(sc, caps, in.host().runtime().kernel());
        if (seccomp != null) {
            linux.set("seccomp", seccomp);
        }
        paths(sc, linux);
        LsmSpec.apply(sc, in.host().lsm(), process, linux);
    }

    /** Masked and read-only paths; a privileged container gets neither. */
    private static void paths(LinuxContainerSecurityContext sc, ObjectNode linux) {
        if (sc.getPrivileged()) {
            return;
        }
        List<String> masked = sc.getMaskedPathsCount() > 0 ? sc.getMaskedPathsList() : DEFAULT_MASKED;
        List<String> readonly = sc.getReadonlyPathsCount() > 0 ? sc.getReadonlyPathsList() : DEFAULT_READONLY;
        masked.forEach(linux.putArray("maskedPaths")::add);
        readonly.forEach(linux.putArray("readonlyPaths")::add);
    }
}
