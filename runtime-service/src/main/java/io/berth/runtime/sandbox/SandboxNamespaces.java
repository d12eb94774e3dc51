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
 */
public record SandboxNamespaces(String netns, String ipc, String uts, String pidMode, InfraProcess infra) {

    public boolean hostNetwork() {
        return netns == null;
    }

    public SandboxNamespaces withInfra(InfraProcess p) {
        return new SandboxNamespaces(netns, ipc, uts, pidMode, p);
    }
}
