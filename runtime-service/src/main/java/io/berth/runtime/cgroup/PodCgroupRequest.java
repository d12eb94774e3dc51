package io.berth.runtime.cgroup;

/**
 * What RunPodSandbox knows about the pod's cgroup.
 *
 * @param cgroupParent {@code LinuxPodSandboxConfig.cgroup_parent}: a cgroupfs path or a
 *                     systemd slice, per the kubelet's driver; empty for a default one
 * @param sandboxId    names the default pod cgroup when no parent is given
 * @param resources    pod-level limits ({@code LinuxPodSandboxConfig.resources}), or NONE
 * @param overhead     the RuntimeClass overhead ({@code LinuxPodSandboxConfig.overhead}), or NONE
 */
public record PodCgroupRequest(String cgroupParent, String sandboxId, CgroupResources resources,
                               CgroupResources overhead) {

    public PodCgroupRequest {
        cgroupParent = cgroupParent == null ? "" : cgroupParent;
        resources = resources == null ? CgroupResources.NONE : resources;
        overhead = overhead == null ? CgroupResources.NONE : overhead;
    }

    /** The limits the pod cgroup gets: pod resources grown by the overhead. */
    public CgroupResources effectiveResources() {
        return resources.plusOverhead(overhead);
    }
}
