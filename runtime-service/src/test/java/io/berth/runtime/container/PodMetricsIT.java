package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cni.netns.NetnsManager;
import io.berth.cri.v1.ContainerMetrics;
import io.berth.cri.v1.LinuxContainerConfig;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.MetricDescriptor;
import io.berth.cri.v1.MetricType;
import io.berth.cri.v1.PodSandboxMetrics;
import io.berth.runtime.cgroup.CpuRateTracker;
import io.berth.runtime.container.stats.PodNetworkCounters;
import io.berth.runtime.container.stats.StatsCollector;
import io.berth.runtime.podmetrics.MetricCatalog;
import io.berth.runtime.podmetrics.OomKills;
import io.berth.runtime.podmetrics.PodMetricsCollector;
import io.berth.runtime.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ListPodSandboxMetrics' collector against a real pod (CNI bridge netns,
 * cgroup v1) with real containers on runc and berth-shim: every series names
 * a descriptor, carries exactly its label keys, and the values are the ones
 * the container caused (CPU burnt, a file written, an OOM kill, traffic).
 */
class PodMetricsIT {

    static World w;
    static Sandbox pod;
    static PodMetricsCollector collector;

    @BeforeAll
    static void setUp() throws Exception {
        w = new World();
        pod = w.runPod("metrics");
        StatsCollector stats = new StatsCollector(w.cgroups, new CpuRateTracker(), new ContainerLayout(w.root, w.state),
                w.sandboxes::find, PodNetworkCounters.netns(new NetnsManager(w.netnsDir)));
        collector = new PodMetricsCollector(w.sandboxes, w.containers, stats, OomKills.cgroups(w.cgroups));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void seriesMatchTheirDescriptorsAndReportWhatTheContainersDid() throws Exception {
        // Burns CPU for 20 s (the counter is whole seconds), writes 256 KiB into its writable layer.
        Container busy = w.run(pod, "busy", "dd if=/dev/zero of=/tmp/f bs=1k count=256; "
                + "yes > /dev/null & p=$!; sleep 20; kill $p; sleep 600");
        // Under a 32 MiB limit a child that buffers /dev/zero forever is OOM-killed; the shell lives on.
        Container oom = w.create(pod, w.container("oom", "tail /dev/zero; sleep 600").setLinux(
                LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                        .setMemoryLimitInBytes(32L << 20))));
        w.containers.start(oom.id());
        Container stopped = w.run(pod, "done", "true");
        w.awaitState(stopped.id(), ContainerState.EXITED, Duration.ofSeconds(30));

        PodSandboxMetrics pm = awaitMetrics(busy.id(), oom.id(), Duration.ofSeconds(60));
        assertEquals(pod.id(), pm.getPodSandboxId());
        assertEquals(List.of(busy.id(), oom.id()).stream().sorted().toList(),
                pm.getContainerMetricsList().stream().map(ContainerMetrics::getContainerId).sorted().toList(),
                "running containers only: the exited one has no cgroup left");
        Map<String, MetricDescriptor> descriptors = MetricCatalog.descriptors().stream()
                .collect(Collectors.toMap(MetricDescriptor::getName, d -> d));
        for (var m : all(pm)) {
            MetricDescriptor d = descriptors.get(m.getName());
            assertTrue(d != null, "undescribed metric " + m.getName());
            assertEquals(d.getLabelKeysCount(), m.getLabelValuesCount(), m.getName() + " label values vs keys");
            assertEquals(List.of("id", "name", "image"), d.getLabelKeysList().subList(0, 3));
        }

        List<String> busyLabels = List.of(busy.id(), "k8s_busy_metrics_default_" + pod.metadata().uid() + "_0",
                w.busybox);
        assertTrue(value(pm, busy.id(), "container_cpu_usage_seconds_total").orElseThrow() >= 1, "CPU seconds");
        var cpu = series(pm, busy.id(), "container_cpu_usage_seconds_total").orElseThrow();
        assertEquals(busyLabels, cpu.getLabelValuesList().subList(0, 3));
        assertEquals("total", cpu.getLabelValues(3));
        assertEquals(MetricType.COUNTER, cpu.getMetricType());
        assertTrue(value(pm, busy.id(), "container_fs_usage_bytes").orElseThrow() >= 256 * 1024,
                "the 256 KiB file is in the writable layer");
        assertTrue(value(pm, busy.id(), "container_memory_working_set_bytes").orElseThrow() > 0);
        assertTrue(value(pm, busy.id(), "container_memory_rss").orElseThrow() > 0);
        assertEquals(MetricType.GAUGE, series(pm, busy.id(), "container_memory_rss").orElseThrow().getMetricType());
        assertEquals(0, value(pm, busy.id(), "container_oom_events_total").orElseThrow());
        assertTrue(value(pm, oom.id(), "container_oom_events_total").orElseThrow() >= 1, "the OOM kill is counted");

        var rx = pm.getMetricsList().stream().filter(m -> m.getName().equals("container_network_receive_bytes_total"))
                .findFirst().orElseThrow(() -> new AssertionError("no pod network series"));
        assertEquals(List.of(pod.id(), "POD", "", "eth0"), rx.getLabelValuesList());
        assertFalse(pm.getMetricsList().stream().anyMatch(m -> m.getName().startsWith("container_cpu")),
                "pod-level series are the network's only");
    }

    /** Waits until the busy container has burnt a CPU second and the OOM kill has happened. */
    private static PodSandboxMetrics awaitMetrics(String busy, String oom, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        PodSandboxMetrics last = null;
        while (System.nanoTime() < end) {
            last = collector.collect().stream().filter(p -> p.getPodSandboxId().equals(pod.id())).findFirst()
                    .orElseThrow();
            if (value(last, busy, "container_cpu_usage_seconds_total").orElse(0L) >= 1
                    && value(last, oom, "container_oom_events_total").orElse(0L) >= 1) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("metrics never showed the CPU second and the OOM kill: " + last);
    }

    private static List<io.berth.cri.v1.Metric> all(PodSandboxMetrics pm) {
        var out = new java.util.ArrayList<>(pm.getMetricsList());
        pm.getContainerMetricsList().forEach(c -> out.addAll(c.getMetricsList()));
        return out;
    }

    private static Optional<io.berth.cri.v1.Metric> series(PodSandboxMetrics pm, String id, String name) {
        return pm.getContainerMetricsList().stream().filter(c -> c.getContainerId().equals(id))
                .flatMap(c -> c.getMetricsList().stream()).filter(m -> m.getName().equals(name)).findFirst();
    }

    private static Optional<Long> value(PodSandboxMetrics pm, String id, String name) {
        return series(pm, id, name).map(m -> m.getValue().getValue());
    }
}
