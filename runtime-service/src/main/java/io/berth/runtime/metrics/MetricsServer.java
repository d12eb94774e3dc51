package io.berth.runtime.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The Prometheus text endpoint ({@code [metrics] address}), JVM metrics included. */
public final class MetricsServer implements AutoCloseable {

    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /** Adds the JVM metrics to {@code registry} and serves it on {@code address}. */
    public static MetricsServer start(InetSocketAddress address, PrometheusRegistry registry) throws IOException {
        JvmMetrics.builder().register(registry);
        HTTPServer server = HTTPServer.builder()
                .inetAddress(InetAddress.getByName(address.getHostString()))
                .port(address.getPort())
                .registry(registry)
                .buildAndStart();
        return new MetricsServer(server);
    }

    /** The bound port; differs from the configured one when that was 0. */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
