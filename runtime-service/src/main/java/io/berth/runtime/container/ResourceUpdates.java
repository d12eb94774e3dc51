package io.berth.runtime.container;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.runtime.cgroup.CgroupPath;
import io.berth.runtime.cgroup.CriResources;
import io.berth.runtime.sandbox.Sandbox;

/** UpdateContainerResources: writes the new limits into the container's live cgroup. */
final class ResourceUpdates {

    private ResourceUpdates() {
    }

    static void apply(ContainerDeps deps, Container c, LinuxContainerResources resources) {
        Sandbox s = deps.sandboxes().apply(c.sandboxId()).orElseThrow(() -> new InvalidArgumentException(
                "container " + c.id() + ": its pod sandbox " + c.sandboxId() + " is gone"));
        CgroupPath path = deps.cgroups().containerPath(s.cgroup(), c.id());
        deps.cgroups().apply(path, CriResources.from(resources));
    }

    /**
     * The kubelet sends the complete desired resources each time (it computes
     * them from the pod spec), so the new message replaces the stored one.
     */
    static LinuxContainerResources merged(LinuxContainerResources old, LinuxContainerResources update) {
        return update == null ? old : update;
    }
}
