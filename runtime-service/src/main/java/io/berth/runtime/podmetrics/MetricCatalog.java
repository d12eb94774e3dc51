package io.berth.runtime.podmetrics;

import io.berth.cri.v1.MetricDescriptor;
import io.berth.cri.v1.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The metrics berthd reports through ListPodSandboxMetrics, under the names
 * and label keys cAdvisor used, so dashboards built on the kubelet's cAdvisor
 * endpoint keep working when the kubelet takes pod metrics from the runtime
 * (PodAndContainerStatsFromCRI). Every series starts with the labels
 * {@code id, name, image}; the kubelet adds {@code container, namespace, pod}
 * itself (pkg/kubelet/metrics/collectors/cri_metrics.go), so they must not be
 * sent twice. Values are whole numbers because the CRI's Metric carries a
 * UInt64Value: seconds are truncated, as other CRI runtimes do.
 */
public final class MetricCatalog {

    /** The labels every series starts with, in this order. */
    public static final List<String> BASE_LABELS = List.of("id", "name", "image");

    /** One metric: its name, help text, type and the labels that follow the base ones. */
    public record Def(String name, String help, MetricType type, List<String> extraLabels) {

        public MetricDescriptor descriptor() {
            List<String> keys = new ArrayList<>(BASE_LABELS);
            keys.addAll(extraLabels);
            return MetricDescriptor.newBuilder().setName(name).setHelp(help).addAllLabelKeys(keys).build();
        }
    }

    public static final Def CPU_USAGE = new Def("container_cpu_usage_seconds_total",
            "Cumulative CPU time consumed, in whole seconds.", MetricType.COUNTER, List.of("cpu"));
    public static final Def MEMORY_USAGE = new Def("container_memory_usage_bytes",
            "Current memory usage in bytes, page cache included.", MetricType.GAUGE, List.of());
    public static final Def MEMORY_WORKING_SET = new Def("container_memory_working_set_bytes",
            "Current working set in bytes: usage minus inactive file pages.", MetricType.GAUGE, List.of());
    public static final Def MEMORY_RSS = new Def("container_memory_rss",
            "Anonymous memory (RSS) in bytes.", MetricType.GAUGE, List.of());
    public static final Def MEMORY_SWAP = new Def("container_memory_swap",
            "Swap in use, in bytes.", MetricType.GAUGE, List.of());
    public static final Def MEMORY_FAILURES = new Def("container_memory_failures_total",
            "Cumulative page faults, by type (pgfault, pgmajfault) and scope.", MetricType.COUNTER,
            List.of("failure_type", "scope"));
    public static final Def OOM_EVENTS = new Def("container_oom_events_total",
            "Out-of-memory kills observed in the container's cgroup.", MetricType.COUNTER, List.of());
    public static final Def FS_USAGE = new Def("container_fs_usage_bytes",
            "Bytes the container's writable layer takes.", MetricType.GAUGE, List.of());
    public static final Def LAST_SEEN = new Def("container_last_seen",
            "When berthd last saw the container, Unix seconds.", MetricType.GAUGE, List.of());
    public static final Def NET_RX_BYTES = new Def("container_network_receive_bytes_total",
            "Cumulative bytes received by the pod.", MetricType.COUNTER, List.of("interface"));
    public static final Def NET_RX_ERRORS = new Def("container_network_receive_errors_total",
            "Cumulative errors while receiving.", MetricType.COUNTER, List.of("interface"));
    public static final Def NET_TX_BYTES = new Def("container_network_transmit_bytes_total",
            "Cumulative bytes transmitted by the pod.", MetricType.COUNTER, List.of("interface"));
    public static final Def NET_TX_ERRORS = new Def("container_network_transmit_errors_total",
            "Cumulative errors while transmitting.", MetricType.COUNTER, List.of("interface"));

    /** Every metric, in the order ListMetricDescriptors answers. */
    public static final List<Def> ALL = List.of(CPU_USAGE, MEMORY_USAGE, MEMORY_WORKING_SET, MEMORY_RSS, MEMORY_SWAP,
            MEMORY_FAILURES, OOM_EVENTS, FS_USAGE, LAST_SEEN, NET_RX_BYTES, NET_RX_ERRORS, NET_TX_BYTES,
            NET_TX_ERRORS);

    static final Map<String, Def> BY_NAME = ALL.stream().collect(Collectors.toUnmodifiableMap(Def::name,
            Function.identity()));

    private MetricCatalog() {
    }

    public static List<MetricDescriptor> descriptors() {
        return ALL.stream().map(Def::descriptor).toList();
    }
}
