package io.berth.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RpcMetricsTest {

    @Test
    void endpointServesPerRpcCountsLatencyAndJvmMetrics() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        RpcMetrics metrics = new RpcMetrics(registry);
        metrics.record("RuntimeService/Version", Status.Code.OK, TimeUnit.MILLISECONDS.toNanos(3));
        metrics.record("RuntimeService/Version", Status.Code.OK, TimeUnit.MILLISECONDS.toNanos(4));
        metrics.record("ImageService/PullImage", Status.Code.NOT_FOUND, TimeUnit.SECONDS.toNanos(2));
        try (MetricsServer server = MetricsServer.start(InetSocketAddress.createUnresolved("127.0.0.1", 0),
                registry)) {
            String text;
            try (InputStream in = URI.create("http://127.0.0.1:" + server.port() + "/metrics").toURL().openStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(text.contains("berth_grpc_requests_total{code=\"OK\",method=\"RuntimeService/Version\"} 2"),
                    text);
            assertTrue(text.contains(
                    "berth_grpc_requests_total{code=\"NOT_FOUND\",method=\"ImageService/PullImage\"} 1"), text);
            assertTrue(text.contains("berth_grpc_request_duration_seconds_bucket{code=\"OK\","
                    + "method=\"RuntimeService/Version\",le=\"0.005\"} 2"), text);
            assertTrue(text.contains("berth_grpc_request_duration_seconds_bucket{code=\"NOT_FOUND\","
                    + "method=\"ImageService/PullImage\",le=\"1.0\"} 0"), text);
            assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics are served too");
        }
    }
}
