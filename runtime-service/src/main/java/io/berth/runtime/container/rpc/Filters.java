package io.berth.runtime.container.rpc;

import io.berth.cri.v1.ContainerFilter;
import io.berth.cri.v1.ContainerStatsFilter;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.container.ContainerState;

/** CRI filters as the service's. */
final class Filters {

    private Filters() {
    }

    static ContainerService.Filter of(ContainerFilter f) {
        if (f == null) {
            return ContainerService.Filter.ALL;
        }
        return new ContainerService.Filter(f.getId(),
                f.hasState() ? ContainerState.fromCri(f.getState().getState()) : null,
                f.getPodSandboxId(), f.getLabelSelectorMap());
    }

    static ContainerService.Filter of(ContainerStatsFilter f) {
        if (f == null) {
            return ContainerService.Filter.ALL;
        }
        return new ContainerService.Filter(f.getId(), null, f.getPodSandboxId(), f.getLabelSelectorMap());
    }
}
