package io.berth.runtime.sandbox;

import io.berth.cri.v1.LinuxContainerResources;
import io.berth.runtime.cgroup.PodCgroup;
import java.io.IOException;

/**
 * The OS boundary for the pod cgroup. {@link CgroupManagerPodCgroups} backs
 * it with the cgroup library (io.berth.runtime.cgroup); unit tests use a fake.
 */
public interface PodCgroups {

    /**
     * What to create.
     *
     * @param parent    the kubelet's cgroup_parent ("" for berth's default)
     * @param overhead  pod overhead, may be null
     * @param resources pod-level resources, may be null
     */
    record Request(String parent, String sandboxId, LinuxContainerResources overhead,
                   LinuxContainerResources resources) {
    }

    /**
     * Where the pod cgroup will be, without creating it; {@code createdByBerth}
     * is false, so that removing a planned cgroup never removes the kubelet's.
     */
    PodCgroup plan(Request request);

    /** Creates the pod cgroup and applies its limits; on failure nothing is left. */
    PodCgroup create(Request request) throws IOException;

    /** Applies new limits to an existing pod cgroup. */
    void update(PodCgroup cgroup, LinuxContainerResources overhead, LinuxContainerResources resources)
            throws IOException;

    /** Moves a process into the pod cgroup. */
    void addProcess(PodCgroup cgroup, long pid) throws IOException;

    /** Removes the pod cgroup (or only berth's leftovers under the kubelet's); missing is fine. */
    void remove(PodCgroup cgroup) throws IOException;

    /**
     * Sets a process's oom_score_adj; when the node forbids lowering it (no
     * CAP_SYS_RESOURCE) the nearest allowed value is used and that is logged once.
     */
    void setOomScoreAdj(long pid, int value) throws IOException;
}
