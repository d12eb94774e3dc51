package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.MountPropagation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The OCI {@code mounts} list: the kernel filesystems, the pod's files and the CRI's volumes. */
final class MountSpec {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The rootfs propagation the volumes need: rshared beats rslave beats none. */
    enum RootPropagation { NONE, RSLAVE, RSHARED }

    private MountSpec() {
    }

    /**
     * What decides a volume's options besides the Mount itself.
     *
     * @param userns   the pod's user namespace mappings, or null in the host's user namespace
     * @param stageDir where berthd puts idmapped copies of the volumes ({@link IdmappedVolumes}),
     *                 null when the runtime idmaps them or none are needed
     */
    record VolumeRules(boolean privileged, RuntimeFeatures runtime, UserNamespaceSpec.Mappings userns,
                       Path stageDir) {
    }

    static RootPropagation build(SpecInput in, ArrayNode mounts, UserNamespaceSpec.Mappings userns) {
        ContainerConfig c = in.config();
        boolean privileged = c.getLinux().getSecurityContext().getPrivileged();
        VolumeRules rules = new VolumeRules(privileged, in.host().runtime(), userns,
                IdmappedVolumes.stagedByBerth(in, userns) ? IdmappedVolumes.stageDir(in.rootfs()) : null);
        Set<String> taken = new HashSet<>();
        for (Mount m : c.getMountsList()) {
            taken.add(clean(m.getContainerPath()));
        }
        List<ObjectNode> base = new ArrayList<>();
        base.add(mount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"));
        base.add(mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"));
        base.add(mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620", "gid=5"));
        base.add(mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"));
        base.add(mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", privileged ? "rw" : "ro"));
        base.add(mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime",
                privileged ? "rw" : "ro"));
        String shm = in.namespaces().shmPath();
        base.add(shm != null
                ? bind("/dev/shm", shm, false, "rprivate")
                : mount("/dev/shm", "shm", "tmpfs", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        boolean ro = c.getLinux().getSecurityContext().getReadonlyRootfs();
        SpecInput.PodFilePaths files = in.podFiles();
        if (files != null) {
            addPodFile(base, taken, "/etc/resolv.conf", files.resolvConf(), ro);
            addPodFile(base, taken, "/etc/hostname", files.hostname(), ro);
            addPodFile(base, taken, "/etc/hosts", files.hosts(), ro);
        }
        for (ObjectNode m : base) {
            if (!taken.contains(m.get("destination").asText())) {
                mounts.add(m);
            }
        }
        RootPropagation root = RootPropagation.NONE;
        List<Mount> volumes = c.getMountsList();
        for (int i = 0; i < volumes.size(); i++) {
            Mount m = volumes.get(i);
            mounts.add(volume(m, rules, i));
            if (m.getPropagation() == MountPropagation.PROPAGATION_BIDIRECTIONAL) {
                root = RootPropagation.RSHARED;
            } else if (m.getPropagation() == MountPropagation.PROPAGATION_HOST_TO_CONTAINER
                    && root == RootPropagation.NONE) {
                root = RootPropagation.RSLAVE;
            }
        }
        return root;
    }

    private static void addPodFile(List<ObjectNode> base, Set<String> taken, String dest, Path src, boolean ro) {
        if (src != null && !taken.contains(dest) && Files.exists(src)) {
            base.add(bind(dest, src.toString(), ro, "rprivate"));
        }
    }

    /**
     * A CRI volume as a bind mount; the host path must exist (the kubelet creates it).
     *
     * @param index its place in the CRI list, which names its idmapped copy when berthd makes one
     */
    static ObjectNode volume(Mount m, VolumeRules rules, int index) {
        if (m.getContainerPath().isEmpty() || !m.getContainerPath().startsWith("/")) {
            throw new InvalidArgumentException("mount container_path \"" + m.getContainerPath()
                    + "\" must be an absolute path");
        }
        Path host = Path.of(m.getHostPath());
        if (!host.isAbsolute()) {
            throw new InvalidArgumentException("mount host_path \"" + m.getHostPath() + "\" must be absolute");
        }
        String source;
        try {
            // A symlinked host path is followed, as the other runtimes do.
            source = host.toRealPath().toString();
        } catch (IOException e) {
            throw new InvalidArgumentException("mount host_path " + m.getHostPath() + " for "
                    + m.getContainerPath() + " does not exist");
        }
        if (m.getRecursiveReadOnly()) {
            requireRecursiveReadOnly(m, rules.runtime());
        }
        String propagation = switch (m.getPropagation()) {
            case PROPAGATION_HOST_TO_CONTAINER -> "rslave";
            case PROPAGATION_BIDIRECTIONAL -> {
                if (!rules.privileged()) {
                    throw new InvalidArgumentException("mount " + m.getContainerPath()
                            + ": bidirectional propagation needs a privileged container");
                }
                yield "rshared";
            }
            default -> "rprivate";
        };
        ObjectNode n = bind(clean(m.getContainerPath()), source, m.getReadonly(), propagation);
        if (m.getRecursiveReadOnly()) {
            // "ro" stays: it makes the top mount read-only on any path the runtime takes.
            ((ArrayNode) n.get("options")).add("rro");
        }
        VolumeIdmap.apply(m, rules, n, index);
        return n;
    }

    /**
     * Mount.recursive_read_only (api.proto): only with readonly and private
     * propagation, and only when the runtime and kernel do "rro"; a plain "ro"
     * bind leaves submounts writable, so quietly downgrading is not allowed.
     */
    private static void requireRecursiveReadOnly(Mount m, RuntimeFeatures runtime) {
        String where = "mount " + m.getContainerPath() + ": recursive_read_only";
        if (!m.getReadonly()) {
            throw new InvalidArgumentException(where + " needs readonly=true");
        }
        if (m.getPropagation() != MountPropagation.PROPAGATION_PRIVATE) {
            throw new InvalidArgumentException(where + " needs PROPAGATION_PRIVATE, got " + m.getPropagation());
        }
        if (!runtime.recursiveReadOnlyMounts()) {
            throw new InvalidArgumentException(where + " is not supported by OCI runtime "
                    + (runtime.runtime().isEmpty() ? "(unprobed)" : runtime.runtime())
                    + " on kernel " + runtime.kernel() + " (needs the runtime's \"rro\" option and Linux 5.12+)");
        }
    }

    static ObjectNode bind(String dest, String source, boolean readonly, String propagation) {
        ObjectNode n = F.objectNode();
        n.put("destination", dest);
        n.put("type", "bind");
        n.put("source", source);
        ArrayNode o = n.putArray("options");
        o.add("rbind");
        o.add(propagation);
        o.add(readonly ? "ro" : "rw");
        return n;
    }

    private static ObjectNode mount(String dest, String source, String type, String... options) {
        ObjectNode n = F.objectNode();
        n.put("destination", dest);
        n.put("type", type);
        n.put("source", source);
        ArrayNode o = n.putArray("options");
        for (String s : options) {
            o.add(s);
        }
        return n;
    }

    private static String clean(String p) {
        String s = Path.of(p).normalize().toString();
        return s.isEmpty() ? "/" : s;
    }
}
