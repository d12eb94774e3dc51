package io.berth.runtime.sandbox;

/**
 * Which namespaces the pod owns and where they are pinned; what the container
 * engineer puts in each container's OCI spec. A null path means the pod uses
 * the host's namespace of that kind.
 *
 * @param netns  pinned network namespace, null for hostNetwork
 * @param ipc    pinned IPC namespace, null for hostIPC
 * @param uts    pinned UTS namespace, null for hostNetwork (the host's hostname)
 * @param pidMode the pod's PID namespace mode: POD, CONTAINER, NODE or TARGET
 * @param infra  the infra process when pidMode is POD, else null
 * @param shm    what the pod's containers bind at /dev/shm: the pod's own tmpfs, or the host's
 *               /dev/shm for hostIPC (shared memory belongs with the IPC namespace); null in
 *               records written before pods had one, whose containers keep a private tmpfs
 * @param user   pinned user namespace for a userns_options POD pod, else null (the host's). When set,
 *               the pod's net, IPC, UTS (and shared PID) namespaces were created inside it, so that it
 *               owns them and its root may mount sysfs, mqueue and proc there
 */
public record SandboxNamespaces(String netns, String ipc, String uts, String pidMode, InfraProcess infra,
                                String shm, String user) {

    /** The host's /dev/shm, which hostIPC pods share with the node. */
    public static final String HOST_SHM = "/dev/shm";

    public SandboxNamespaces(String netns, String ipc, String uts, String pidMode, InfraProcess infra) {
        this(netns, ipc, uts, pidMode, infra, null, null);
    }

    public SandboxNamespaces(String netns, String ipc, String uts, String pidMode, InfraProcess infra,
                             String shm) {
        this(netns, ipc, uts, pidMode, infra, shm, null);
    }

    public boolean hostNetwork() {
        return netns == null;
    }

    /** Whether berth mounted a tmpfs for this pod (and so must unmount it). */
    public boolean ownShm() {
        return shm != null && !HOST_SHM.equals(shm);
    }

    public SandboxNamespaces withInfra(InfraProcess p) {
        return new SandboxNamespaces(netns, ipc, uts, pidMode, p, shm, user);
    }
}
