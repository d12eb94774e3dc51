package io.berth.runtime.podmetrics;

import io.berth.common.error.NotFoundException;
import io.berth.runtime.cgroup.CgroupManager;
import io.berth.runtime.container.Container;
import io.berth.runtime.sandbox.Sandbox;
import java.util.OptionalLong;

/**
 * OOM kills inside a container's cgroup. Not part of ContainerStats (the CRI
 * has no field for it), so it is read from the cgroup layer directly.
 */
@FunctionalInterface
public interface OomKills {

    /** Empty when the cgroup is gone (the container exited between listing and reading). */
    OptionalLong count(Sandbox s, Container c);

    static OomKills cgroups(CgroupManager cgroups) {
        return (s, c) -> {
            try {
                return OptionalLong.of(cgroups.stats(cgroups.containerPath(s.cgroup(), c.id())).oomKills());
            } catch (NotFoundException gone) {
                return OptionalLong.empty();
            }
        };
    }
}
