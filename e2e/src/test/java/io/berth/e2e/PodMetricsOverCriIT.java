package io.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.ContainerMetrics;
import io.berth.cri.v1.LinuxContainerConfig;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.ListMetricDescriptorsRequest;
import io.berth.cri.v1.ListPodSandboxMetricsRequest;
import io.berth.cri.v1.Metric;
import io.berth.cri.v1.MetricDescriptor;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxMetrics;
import io.berth.cri.v1.StreamPodSandboxMetricsRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pod-metrics RPCs and the daemon's /metrics of a real berthd, asked over
 * the CRI wire as a kubelet asks, about a real pod (CNI bridge) with two real
 * containers: one that wrote a file, one whose child the OOM killer ended.
 */
class PodMetricsOverCriIT {

    static E2eNode node;
    static PodSandboxConfig pod;
    static String podId;

    @BeforeAll
    static void setUp() throws Exception {
        node = new E2eNode();
        pod = node.pod("metrics");
        podId = node.runPod(pod);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void metricsOfARealPodMatchTheDescriptorsTheKubeletWasGiven() throws Exception {
        String busy = node.run(podId, pod, node.container("busy", "dd if=/dev/zero of=/tmp/f bs=1k count=256; sleep 600"));
        String oom = node.run(podId, pod, node.container("oom", "tail /dev/zero; sleep 600").setLinux(
                LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                        .setMemoryLimitInBytes(32L << 20))));
        Map<String, MetricDescriptor> descriptors = node.berthd.runtime()
                .listMetricDescriptors(ListMetricDescriptorsRequest.getDefaultInstance()).getDescriptorsList().stream()
                .collect(Collectors.toMap(MetricDescriptor::getName, d -> d));

        PodSandboxMetrics pm = awaitOomKill(oom);
        for (Metric m : all(pm)) {
            MetricDescriptor d = descriptors.get(m.getName());
            assertTrue(d != null, "the kubelet would drop " + m.getName());
            assertEquals(d.getLabelKeysCount(), m.getLabelValuesCount(), m.getName());
        }
        String uid = pod.getMetadata().getUid();
        Metric fs = series(pm, busy, "container_fs_usage_bytes").orElseThrow();
        assertEquals(List.of(busy, "k8s_busy_metrics_e2e_" + uid + "_0", node.busybox), fs.getLabelValuesList());
        assertTrue(fs.getValue().getValue() >= 256 * 1024, "the file is in the writable layer: " + fs);
        assertTrue(series(pm, busy, "container_memory_working_set_bytes").orElseThrow().getValue().getValue() > 0);
        assertEquals(0, series(pm, busy, "container_oom_events_total").orElseThrow().getValue().getValue());
        Metric tx = pm.getMetricsList().stream().filter(m -> m.getName().equals("container_network_transmit_bytes_total"))
                .findFirst().orElseThrow(() -> new AssertionError("no pod-level network series: " + pm));
        assertEquals(List.of(podId, "POD", "", "eth0"), tx.getLabelValuesList());

        var streamed = node.berthd.runtime().streamPodSandboxMetrics(StreamPodSandboxMetricsRequest.getDefaultInstance());
        assertTrue(streamed.hasNext());
        assertEquals(List.of(podId), streamed.next().getPodSandboxMetricsList().stream()
                .map(PodSandboxMetrics::getPodSandboxId).toList());

        String text = scrape();
        for (String line : List.of("berth_pods{state=\"ready\"} 1", "berth_containers{state=\"running\"} 2",
                "berth_shims 2")) {
            assertTrue(text.contains(line), line + " in\n" + text);
        }
        Matcher adds = Pattern.compile("berth_cni_plugin_duration_seconds_count\\{command=\"ADD\",outcome=\"ok\","
                + "plugin=\"bridge\"} (\\d+)").matcher(text);
        assertTrue(adds.find() && Double.parseDouble(adds.group(1)) >= 1, "the pod's bridge ADD was timed:\n" + text);
    }

    private static PodSandboxMetrics awaitOomKill(String oom) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        PodSandboxMetrics last = null;
        while (System.nanoTime() < end) {
            last = node.berthd.runtime().listPodSandboxMetrics(ListPodSandboxMetricsRequest.getDefaultInstance())
                    .getPodMetricsList().stream().filter(p -> p.getPodSandboxId().equals(podId)).findFirst()
                    .orElseThrow();
            if (series(last, oom, "container_oom_events_total").map(m -> m.getValue().getValue()).orElse(0L) >= 1) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no OOM kill in the metrics within 60 s: " + last);
    }

    private static String scrape() throws Exception {
        Matcher port = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(node.berthd.logText());
        assertTrue(port.find(), "the log names the metrics port");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.group(1)
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static List<Metric> all(PodSandboxMetrics pm) {
        var out = new java.util.ArrayList<>(pm.getMetricsList());
        pm.getContainerMetricsList().forEach(c -> out.addAll(c.getMetricsList()));
        return out;
    }

    private static Optional<Metric> series(PodSandboxMetrics pm, String id, String name) {
        return pm.getContainerMetricsList().stream().filter(c -> c.getContainerId().equals(id))
                .map(ContainerMetrics::getMetricsList).flatMap(List::stream)
                .filter(m -> m.getName().equals(name)).findFirst();
    }
}
