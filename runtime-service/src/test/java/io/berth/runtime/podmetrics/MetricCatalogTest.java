package io.berth.runtime.podmetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.MetricDescriptor;
import io.berth.cri.v1.MetricType;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricCatalogTest {

    @Test
    void namesAreUniqueAndEverySeriesStartsWithTheCadvisorLabels() {
        var names = new HashSet<String>();
        for (MetricDescriptor d : MetricCatalog.descriptors()) {
            assertTrue(names.add(d.getName()), "twice: " + d.getName());
            assertEquals(List.of("id", "name", "image"), d.getLabelKeysList().subList(0, 3), d.getName());
            assertTrue(!d.getLabelKeysList().contains("pod") && !d.getLabelKeysList().contains("namespace")
                    && !d.getLabelKeysList().contains("container"),
                    "the kubelet adds container, namespace and pod itself: " + d.getName());
            assertTrue(!d.getHelp().isEmpty(), d.getName());
        }
    }

    @Test
    void theMetricsTheKubeletsDashboardsUseHaveCadvisorsNamesTypesAndLabels() {
        Map<String, List<String>> extra = Map.of(
                "container_cpu_usage_seconds_total", List.of("cpu"),
                "container_memory_working_set_bytes", List.of(),
                "container_memory_rss", List.of(),
                "container_network_receive_bytes_total", List.of("interface"),
                "container_network_transmit_bytes_total", List.of("interface"),
                "container_oom_events_total", List.of(),
                "container_fs_usage_bytes", List.of());
        extra.forEach((name, labels) -> {
            MetricCatalog.Def d = MetricCatalog.BY_NAME.get(name);
            assertTrue(d != null, "missing " + name);
            assertEquals(labels, d.extraLabels(), name);
            assertEquals(name.endsWith("_total") ? MetricType.COUNTER : MetricType.GAUGE, d.type(), name);
        });
    }
}
