package io.berth.runtime.podmetrics;

import io.berth.cri.v1.ListPodSandboxMetricsRequest;
import io.berth.cri.v1.ListPodSandboxMetricsResponse;
import io.berth.runtime.grpc.UnaryHandler;

/** ListPodSandboxMetrics: every ready pod's metrics, read at the call (the kubelet calls it per scrape). */
public final class ListPodSandboxMetricsHandler
        implements UnaryHandler<ListPodSandboxMetricsRequest, ListPodSandboxMetricsResponse> {

    private final PodMetricsCollector collector;

    public ListPodSandboxMetricsHandler(PodMetricsCollector collector) {
        this.collector = collector;
    }

    @Override
    public ListPodSandboxMetricsResponse handle(ListPodSandboxMetricsRequest request) {
        return ListPodSandboxMetricsResponse.newBuilder().addAllPodMetrics(collector.collect()).build();
    }
}
