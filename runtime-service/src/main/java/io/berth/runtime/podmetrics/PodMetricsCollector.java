package io.berth.runtime.podmetrics;

import io.berth.cri.v1.ContainerMetrics;
import io.berth.cri.v1.ContainerStats;
import io.berth.cri.v1.Metric;
import io.berth.cri.v1.NetworkInterfaceUsage;
import io.berth.cri.v1.PodSandboxMetrics;
import io.berth.cri.v1.PodSandboxStats;
import io.berth.cri.v1.UInt64Value;
import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.container.ContainerState;
import io.berth.runtime.container.stats.StatsCollector;
import io.berth.runtime.podmetrics.MetricCatalog.Def;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.sandbox.SandboxService;
import io.berth.runtime.sandbox.SandboxState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Pod and container metrics for ListPodSandboxMetrics, read at each call from
 * the same collector ContainerStats and PodSandboxStats use, so the two views
 * never disagree. Ready pods only, and only their running containers: a
 * stopped container has no cgroup left to read (CRI-O skips them the same way).
 * Network counters belong to the pod (its containers share one netns), so they
 * are pod-level series named like cAdvisor's pause container ("POD").
 */
public final class PodMetricsCollector {

    /** The label value cAdvisor gave the pod's infra container; kept for pod-level series. */
    static final String POD_NAME = "POD";

    private final SandboxService sandboxes;
    private final ContainerService containers;
    private final StatsCollector stats;
    private final OomKills oomKills;

    public PodMetricsCollector(SandboxService sandboxes, ContainerService containers, StatsCollector stats,
                               OomKills oomKills) {
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.stats = stats;
        this.oomKills = oomKills;
    }

    public List<PodSandboxMetrics> collect() {
        List<PodSandboxMetrics> out = new ArrayList<>();
        for (Sandbox s : sandboxes.list(new SandboxService.Filter(null, SandboxState.READY, null))) {
            out.add(pod(s));
        }
        return out;
    }

    private PodSandboxMetrics pod(Sandbox s) {
        List<Container> running = containers.list(new ContainerService.Filter(null, ContainerState.RUNNING, s.id(),
                null));
        PodSandboxStats podStats = stats.pod(s, running);
        PodSandboxMetrics.Builder b = PodSandboxMetrics.newBuilder().setPodSandboxId(s.id());
        if (podStats.getLinux().hasNetwork()) {
            network(b, List.of(s.id(), POD_NAME, ""), podStats.getLinux().getNetwork().getDefaultInterface());
        }
        Map<String, Container> byId = running.stream().collect(Collectors.toMap(Container::id, Function.identity()));
        long nowSeconds = System.currentTimeMillis() / 1000;
        for (ContainerStats cs : podStats.getLinux().getContainersList()) {
            Container c = byId.get(cs.getAttributes().getId());
            if (c != null) {
                b.addContainerMetrics(container(s, c, cs, nowSeconds));
            }
        }
        return b.build();
    }

    private ContainerMetrics container(Sandbox s, Container c, ContainerStats cs, long nowSeconds) {
        List<String> base = List.of(c.id(), containerName(s, c), c.image().spec());
        List<Metric> m = new ArrayList<>();
        if (cs.hasCpu()) {
            m.add(metric(MetricCatalog.CPU_USAGE, base, List.of("total"),
                    cs.getCpu().getUsageCoreNanoSeconds().getValue() / 1_000_000_000L));
        }
        if (cs.hasMemory()) {
            var mem = cs.getMemory();
            m.add(metric(MetricCatalog.MEMORY_USAGE, base, List.of(), mem.getUsageBytes().getValue()));
            m.add(metric(MetricCatalog.MEMORY_WORKING_SET, base, List.of(), mem.getWorkingSetBytes().getValue()));
            m.add(metric(MetricCatalog.MEMORY_RSS, base, List.of(), mem.getRssBytes().getValue()));
            m.add(metric(MetricCatalog.MEMORY_FAILURES, base, List.of("pgfault", "container"),
                    mem.getPageFaults().getValue()));
            m.add(metric(MetricCatalog.MEMORY_FAILURES, base, List.of("pgmajfault", "container"),
                    mem.getMajorPageFaults().getValue()));
        }
        if (cs.hasSwap()) {
            m.add(metric(MetricCatalog.MEMORY_SWAP, base, List.of(), cs.getSwap().getSwapUsageBytes().getValue()));
        }
        oomKills.count(s, c).ifPresent(n -> m.add(metric(MetricCatalog.OOM_EVENTS, base, List.of(), n)));
        if (cs.hasWritableLayer()) {
            m.add(metric(MetricCatalog.FS_USAGE, base, List.of(), cs.getWritableLayer().getUsedBytes().getValue()));
        }
        m.add(metric(MetricCatalog.LAST_SEEN, base, List.of(), nowSeconds));
        return ContainerMetrics.newBuilder().setContainerId(c.id()).addAllMetrics(m).build();
    }

    private static void network(PodSandboxMetrics.Builder b, List<String> base, NetworkInterfaceUsage n) {
        List<String> iface = List.of(n.getName());
        b.addMetrics(metric(MetricCatalog.NET_RX_BYTES, base, iface, n.getRxBytes().getValue()))
                .addMetrics(metric(MetricCatalog.NET_RX_ERRORS, base, iface, n.getRxErrors().getValue()))
                .addMetrics(metric(MetricCatalog.NET_TX_BYTES, base, iface, n.getTxBytes().getValue()))
                .addMetrics(metric(MetricCatalog.NET_TX_ERRORS, base, iface, n.getTxErrors().getValue()));
    }

    /**
     * cAdvisor's "name" label held the runtime's container name; the kubelet's
     * dockershim and CRI-O name containers k8s_container_pod_namespace_uid_attempt.
     */
    static String containerName(Sandbox s, Container c) {
        return "k8s_" + c.metadata().name() + "_" + s.metadata().name() + "_" + s.metadata().namespace() + "_"
                + s.metadata().uid() + "_" + c.metadata().attempt();
    }

    // Timestamp 0: the value was read for this call, not cached (api.proto, Metric.timestamp).
    private static Metric metric(Def def, List<String> base, List<String> extra, long value) {
        return Metric.newBuilder().setName(def.name()).setMetricType(def.type()).addAllLabelValues(base)
                .addAllLabelValues(extra).setValue(UInt64Value.newBuilder().setValue(value)).build();
    }
}
