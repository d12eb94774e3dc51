package io.berth.runtime.metrics;

import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.container.ContainerState;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.sandbox.SandboxService;
import io.berth.runtime.sandbox.SandboxState;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Pods, containers and shims as they are at scrape time: each gauge reads the
 * live stores when Prometheus asks, so no counter can drift from the truth.
 */
public final class NodeMetrics {

    /** The exit reason the shim's OOM flag turns into (ContainerStatus.reason). */
    static final String OOM_KILLED = "OOMKilled";

    private NodeMetrics() {
    }

    public static void register(PrometheusRegistry registry, SandboxService sandboxes, ContainerService containers) {
        GaugeWithCallback.builder().name("berth_pods").help("Pod sandboxes berthd holds, by state")
                .labelNames("state")
                .callback(cb -> {
                    Map<SandboxState, Integer> n = new EnumMap<>(SandboxState.class);
                    for (Sandbox s : sandboxes.list(null)) {
                        n.merge(s.state(), 1, Integer::sum);
                    }
                    for (SandboxState st : SandboxState.values()) {
                        cb.call(n.getOrDefault(st, 0), st.name().toLowerCase());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("berth_containers").help("Containers berthd holds, by state")
                .labelNames("state")
                .callback(cb -> {
                    Map<ContainerState, Integer> n = new EnumMap<>(ContainerState.class);
                    for (Container c : all(containers)) {
                        n.merge(c.state(), 1, Integer::sum);
                    }
                    for (ContainerState st : ContainerState.values()) {
                        cb.call(n.getOrDefault(st, 0), st.name().toLowerCase());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("berth_shims").help("berth-shim processes alive, one per started container")
                .callback(cb -> cb.call(all(containers).stream().filter(NodeMetrics::shimAlive).count()))
                .register(registry);
        GaugeWithCallback.builder().name("berth_containers_oom_killed")
                .help("Containers berthd holds whose process was killed by the OOM killer")
                .callback(cb -> cb.call(all(containers).stream()
                        .filter(c -> c.exit() != null && OOM_KILLED.equals(c.exit().reason())).count()))
                .register(registry);
    }

    private static List<Container> all(ContainerService containers) {
        return containers.list(ContainerService.Filter.ALL);
    }

    // A recycled pid would be counted as a shim; cheap to accept for a gauge.
    private static boolean shimAlive(Container c) {
        return c.process() != null && c.process().shimPid() > 0
                && ProcessHandle.of(c.process().shimPid()).map(ProcessHandle::isAlive).orElse(false);
    }
}
