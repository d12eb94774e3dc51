package io.berth.runtime.cgroup;

/**
 * The cgroup layer as the sandbox and container code sees it. An interface so
 * their unit tests can fake it; {@link FsCgroupManager} is the real one.
 * Failures are {@link io.berth.common.error.BerthException}s naming the cgroup.
 */
public interface CgroupManager {

    CgroupDriver driver();

    CgroupMode mode();

    /** Pure naming: where a sandbox's pod cgroup is, without creating it. */
    PodCgroup podCgroup(String cgroupParent, String sandboxId);

    /**
     * Creates the pod cgroup in every hierarchy (parents included) and applies
     * the pod's resources plus overhead. On failure nothing this call created is
     * left behind.
     */
    PodCgroup createPod(PodCgroupRequest request);

    /**
     * Removes the pod cgroup if Berth created it, otherwise only Berth's leftover
     * container cgroups below it. Idempotent; retries briefly while tasks exit;
     * never touches anything above or beside the pod's path.
     */
    void removePod(PodCgroup pod);

    /**
     * Removes a container's cgroup if the OCI runtime left it behind (it was
     * killed, or crashed before {@code delete}). Idempotent, like removePod.
     */
    void removeContainer(PodCgroup pod, String containerId);

    /** Where the OCI runtime will create a container's cgroup (for stats and updates). */
    CgroupPath containerPath(PodCgroup pod, String containerId);

    /** The OCI {@code linux.cgroupsPath} for a container of the pod. */
    String ociCgroupsPath(PodCgroup pod, String containerId);

    /** Writes limits into an existing cgroup (pod, or a live container for UpdateContainerResources). */
    void apply(CgroupPath path, CgroupResources resources);

    /** One usage sample; NotFound when the cgroup does not exist. */
    CgroupStats stats(CgroupPath path);

    /** Processes in the cgroup and its descendants; NotFound when it does not exist. */
    int processCount(CgroupPath path);

    /** Moves a process into the cgroup in every hierarchy. */
    void addProcess(CgroupPath path, long pid);

    boolean exists(CgroupPath path);
}
