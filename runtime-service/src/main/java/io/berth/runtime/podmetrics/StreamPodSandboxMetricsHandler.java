package io.berth.runtime.podmetrics;

import io.berth.cri.v1.PodSandboxMetrics;
import io.berth.cri.v1.StreamPodSandboxMetricsRequest;
import io.berth.cri.v1.StreamPodSandboxMetricsResponse;
import io.berth.runtime.grpc.ResponseStream;
import io.berth.runtime.grpc.StreamingHandler;
import java.util.List;

/**
 * StreamPodSandboxMetrics: ListPodSandboxMetrics' answer in batches, so a node
 * with many pods never builds one message near gRPC's size limit.
 */
public final class StreamPodSandboxMetricsHandler
        implements StreamingHandler<StreamPodSandboxMetricsRequest, StreamPodSandboxMetricsResponse> {

    static final int BATCH = 50;

    private final PodMetricsCollector collector;

    public StreamPodSandboxMetricsHandler(PodMetricsCollector collector) {
        this.collector = collector;
    }

    @Override
    public void handle(StreamPodSandboxMetricsRequest request, ResponseStream<StreamPodSandboxMetricsResponse> out) {
        List<PodSandboxMetrics> all = collector.collect();
        for (int i = 0; i < all.size() && !out.isCancelled(); i += BATCH) {
            out.send(StreamPodSandboxMetricsResponse.newBuilder()
                    .addAllPodSandboxMetrics(all.subList(i, Math.min(all.size(), i + BATCH))).build());
        }
    }
}
