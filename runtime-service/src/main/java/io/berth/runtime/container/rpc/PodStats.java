package io.berth.runtime.container.rpc;

import io.berth.cri.v1.PodSandboxStats;
import io.berth.cri.v1.PodSandboxStatsFilter;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.container.stats.StatsCollector;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.sandbox.SandboxService;
import io.berth.runtime.sandbox.SandboxState;
import java.util.List;

/** Pod stats for the three PodSandboxStats RPCs: ready pods, each with its containers. */
public final class PodStats {

    private final SandboxService sandboxes;
    private final ContainerService containers;
    private final StatsCollector stats;

    public PodStats(SandboxService sandboxes, ContainerService containers, StatsCollector stats) {
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.stats = stats;
    }

    PodSandboxStats one(String idOrPrefix) {
        return of(sandboxes.require(idOrPrefix));
    }

    List<PodSandboxStats> list(PodSandboxStatsFilter f) {
        SandboxService.Filter filter = f == null ? null
                : new SandboxService.Filter(f.getId(), SandboxState.READY, f.getLabelSelectorMap());
        return sandboxes.list(filter == null ? new SandboxService.Filter(null, SandboxState.READY, null) : filter)
                .stream().map(this::of).toList();
    }

    private PodSandboxStats of(Sandbox s) {
        return stats.pod(s, containers.list(new ContainerService.Filter(null, null, s.id(), null)));
    }
}
