package io.berth.runtime.podmetrics;

import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.runtime.grpc.ServiceRouter;

/** The three pod-metrics RPCs, registered with one line in io.berth.runtime.rpc.RuntimeHandlers. */
public final class PodMetricsRpcs {

    private PodMetricsRpcs() {
    }

    public static ServiceRouter.Builder register(ServiceRouter.Builder b, PodMetricsCollector collector) {
        return b.unary(RuntimeServiceGrpc.getListMetricDescriptorsMethod(), new ListMetricDescriptorsHandler())
                .unary(RuntimeServiceGrpc.getListPodSandboxMetricsMethod(), new ListPodSandboxMetricsHandler(collector))
                .serverStreaming(RuntimeServiceGrpc.getStreamPodSandboxMetricsMethod(),
                        new StreamPodSandboxMetricsHandler(collector));
    }
}
