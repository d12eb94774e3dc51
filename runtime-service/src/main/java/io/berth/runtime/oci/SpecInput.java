package io.berth.runtime.oci;

import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.PodSandboxConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything the generator needs to write one container's config.json. The
 * generator is pure apart from reading the rootfs's /etc/passwd and /etc/group
 * and stat-ing host paths of mounts and devices, so it is tested table by table.
 *
 * @param containerId  the container's full id
 * @param sandboxId    the pod sandbox's full id
 * @param config       the kubelet's ContainerConfig
 * @param podConfig    the kubelet's PodSandboxConfig
 * @param image        the image's process defaults and name
 * @param rootfs       the mounted rootfs directory
 * @param cgroupsPath  the OCI linux.cgroupsPath (a path for cgroupfs, slice:prefix:name for systemd)
 * @param namespaces   which namespaces to join and where they are pinned
 * @param podFiles     the pod's resolv.conf, hostname and hosts files; null members are skipped
 * @param host         facts about the host and berthd's own privileges
 */
public record SpecInput(String containerId, String sandboxId, ContainerConfig config,
                        PodSandboxConfig podConfig, ImageDefaults image, Path rootfs, String cgroupsPath,
                        NamespacePlan namespaces, PodFilePaths podFiles, HostFacts host) {

    /** The image config's process fields (image-spec config.md) plus the names it was asked by. */
    public record ImageDefaults(String imageRef, String imageName, List<String> entrypoint, List<String> cmd,
                                List<String> env, String workingDir, String user) {

        public ImageDefaults {
            entrypoint = List.copyOf(entrypoint);
            cmd = List.copyOf(cmd);
            env = List.copyOf(env);
        }
    }

    /**
     * Namespace paths to join; null means "use the host's" except for pid,
     * where {@code pidPath == null && !hostPid} means a fresh namespace. The
     * CRI modes map as: network POD = the pinned netns, NODE = null; IPC POD =
     * the pinned ipc, NODE = null; PID POD = the infra process's pid ns, TARGET
     * = /proc/PID/ns/pid of the target container's init (the container package
     * resolves the id and fails NotFound/InvalidArgument naming it), CONTAINER =
     * null and !hostPid, NODE = null and hostPid.
     *
     * @param shmPath   a directory to bind at /dev/shm so the pod's containers share it; null for a private tmpfs
     * @param usernsPath the pod's user namespace to join when userns_options is POD and the sandbox
     *                  pinned one; null makes a new user namespace with the pod's mappings
     */
    public record NamespacePlan(String netns, String ipc, String uts, String pidPath, boolean hostPid,
                                String shmPath, String usernsPath) {

        public NamespacePlan(String netns, String ipc, String uts, String pidPath, boolean hostPid,
                             String shmPath) {
            this(netns, ipc, uts, pidPath, hostPid, shmPath, null);
        }
    }

    public record PodFilePaths(Path resolvConf, Path hostname, Path hosts) {
    }

    /**
     * @param boundingCapabilities the capabilities berthd holds in its bounding set; a
     *                             privileged container gets these and no more, since asking
     *                             the OCI runtime for one we lack fails the start
     * @param cgroupV2             whether the host's cgroups are unified (v2)
     * @param oomScoreAdjFloor     the lowest oom_score_adj berthd may set (0 when it lacks CAP_SYS_RESOURCE)
     * @param runtime              what the container's OCI runtime and the kernel support
     *                             ({@link RuntimeFeatures#probe}, once per runtime handler)
     * @param lsm                  the host's AppArmor and SELinux
     */
    public record HostFacts(List<String> boundingCapabilities, boolean cgroupV2, int oomScoreAdjFloor,
                            Map<String, String> extraAnnotations, RuntimeFeatures runtime, SecurityModules lsm) {

        public HostFacts {
            boundingCapabilities = List.copyOf(boundingCapabilities);
            extraAnnotations = extraAnnotations == null ? Map.of() : Map.copyOf(extraAnnotations);
            runtime = runtime == null ? RuntimeFeatures.unprobed() : runtime;
            lsm = lsm == null ? SecurityModules.none() : lsm;
        }

        /** The same host with one runtime handler's features: a pod's handler decides what its containers may use. */
        public HostFacts withRuntime(RuntimeFeatures features) {
            return new HostFacts(boundingCapabilities, cgroupV2, oomScoreAdjFloor, extraAnnotations, features, lsm);
        }

        /** Claims no optional runtime feature and no LSM: rro, idmap and user namespaces are refused. */
        public HostFacts(List<String> boundingCapabilities, boolean cgroupV2, int oomScoreAdjFloor,
                         Map<String, String> extraAnnotations) {
            this(boundingCapabilities, cgroupV2, oomScoreAdjFloor, extraAnnotations, null, null);
        }
    }
}
