package io.berth.runtime.podmetrics;

import io.berth.cri.v1.ListMetricDescriptorsRequest;
import io.berth.cri.v1.ListMetricDescriptorsResponse;
import io.berth.runtime.grpc.UnaryHandler;

/**
 * ListMetricDescriptors: the kubelet asks once, when its CRI metrics collector
 * is built, and drops later metrics whose name is not among these.
 */
public final class ListMetricDescriptorsHandler
        implements UnaryHandler<ListMetricDescriptorsRequest, ListMetricDescriptorsResponse> {

    private static final ListMetricDescriptorsResponse ANSWER = ListMetricDescriptorsResponse.newBuilder()
            .addAllDescriptors(MetricCatalog.descriptors()).build();

    @Override
    public ListMetricDescriptorsResponse handle(ListMetricDescriptorsRequest request) {
        return ANSWER;
    }
}
