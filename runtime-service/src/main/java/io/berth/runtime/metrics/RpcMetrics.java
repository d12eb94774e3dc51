package io.berth.runtime.metrics;

import io.berth.runtime.grpc.RpcRecorder;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/** Per-RPC request count and latency, labelled by method and final gRPC code. */
public final class RpcMetrics implements RpcRecorder {

    private final Counter requests;
    private final Histogram latency;

    public RpcMetrics(PrometheusRegistry registry) {
        requests = Counter.builder()
                .name("berth_grpc_requests_total")
                .help("CRI RPCs served, by method and gRPC status code")
                .labelNames("method", "code")
                .register(registry);
        latency = Histogram.builder()
                .name("berth_grpc_request_duration_seconds")
                .help("Time to serve a CRI RPC, by method and gRPC status code")
                .unit(Unit.SECONDS)
                .labelNames("method", "code")
                .classicOnly()
                // From 1 ms (Version, Status) to a minute (a large PullImage).
                .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .register(registry);
    }

    @Override
    public void record(String method, Status.Code code, long durationNanos) {
        requests.labelValues(method, code.name()).inc();
        latency.labelValues(method, code.name()).observe(Unit.nanosToSeconds(durationNanos));
    }
}
