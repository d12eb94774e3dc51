/**
 * Pod sandboxes (issue 5): RunPodSandbox, StopPodSandbox, RemovePodSandbox,
 * PodSandboxStatus, ListPodSandbox, StreamPodSandboxes, UpdatePodSandboxResources.
 *
 * <p>{@link io.berth.runtime.sandbox.SandboxService} owns the records and the lifecycle; the
 * handlers are thin. No pause image: the pod's network namespace is pinned by
 * cni-bridge's NetnsManager, its IPC and UTS namespaces are made by
 * {@link io.berth.runtime.sandbox.LinuxPodNamespaces} (unshare on a fresh platform thread, hostname
 * set, bind mount of /proc/thread-self/ns/X on {@code <state>/sandboxes/<id>/ns/{ipc,uts}}), and a
 * pod that shares its PID namespace gets catatonit as PID 1 ({@link io.berth.runtime.sandbox.UnshareInfraLauncher}).
 *
 * <p>For the container side:
 * <ul>
 * <li>{@code SandboxService.require(idOrPrefix)} gives the {@link io.berth.runtime.sandbox.Sandbox}
 *     (NotFound otherwise); check {@code state().canCreateContainers()} and fail with
 *     {@code state().require(...)}.</li>
 * <li>OCI namespaces: {@code namespaces().netns()}, {@code ipc()}, {@code uts()} are paths to join,
 *     null meaning the host's; pid: {@code pidMode()} is POD, CONTAINER, NODE or TARGET, and for POD
 *     {@code infra().pidNamespacePath()}.</li>
 * <li>Mounts: {@code resolvConfPath()}, {@code hostnamePath()}, {@code hostsPath()}.</li>
 * <li>Cgroup: {@code cgroup()} is the cgroup library's PodCgroup (for {@code ociCgroupsPath}).</li>
 * <li>The kubelet's config: {@code parsedConfig()} (log directory, security context, ...).</li>
 * <li>Implement {@link io.berth.runtime.sandbox.PodContainers} and pass it to
 *     {@code SandboxService.setContainers}: Stop and Remove call it first.</li>
 * </ul>
 */
package io.berth.runtime.sandbox;
