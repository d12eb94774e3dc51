package io.berth.runtime.metrics;

import io.berth.cni.exec.CniPluginInvoker;
import io.berth.cni.exec.PluginCall;
import io.berth.cni.exec.PluginOutput;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Times every CNI plugin run by wrapping cni-bridge's plugin invoker (its OS
 * boundary), so cni-bridge itself needs no metrics code. Labelled by plugin
 * type, CNI command and outcome (ok, error for a non-zero exit, failed when
 * the plugin could not run or timed out).
 */
public final class CniCallMetrics implements CniPluginInvoker {

    private final CniPluginInvoker inner;
    private final Histogram latency;

    public CniCallMetrics(CniPluginInvoker inner, PrometheusRegistry registry) {
        this.inner = inner;
        this.latency = Histogram.builder()
                .name("berth_cni_plugin_duration_seconds")
                .help("Time one CNI plugin run took, by plugin, command and outcome")
                .unit(Unit.SECONDS)
                .labelNames("plugin", "command", "outcome")
                .classicOnly()
                // Plugin execs cost 10-50 ms on an idle node, seconds under load or with IPAM on a slow disk.
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .register(registry);
    }

    @Override
    public Optional<Path> locate(String type) {
        return inner.locate(type);
    }

    @Override
    public PluginOutput invoke(PluginCall call) throws IOException {
        long start = System.nanoTime();
        String outcome = "failed";
        try {
            PluginOutput out = inner.invoke(call);
            outcome = out.exitCode() == 0 ? "ok" : "error";
            return out;
        } finally {
            latency.labelValues(call.type(), call.command().name(), outcome)
                    .observe(Unit.nanosToSeconds(System.nanoTime() - start));
        }
    }
}
