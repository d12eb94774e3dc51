package io.berth.runtime.container.rpc;

import io.berth.cri.v1.StreamContainersRequest;
import io.berth.cri.v1.StreamContainersResponse;
import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerProtos;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.ResponseStream;
import io.berth.runtime.grpc.StreamingHandler;
import java.util.List;

/** StreamContainers: ListContainers' answer split over messages, to stay under the gRPC size limit. */
public final class StreamContainersHandler
        implements StreamingHandler<StreamContainersRequest, StreamContainersResponse> {

    static final int BATCH = 500;

    private final ContainerService containers;

    public StreamContainersHandler(ContainerService containers) {
        this.containers = containers;
    }

    @Override
    public void handle(StreamContainersRequest request, ResponseStream<StreamContainersResponse> out) {
        List<Container> all = containers.list(Filters.of(request.hasFilter() ? request.getFilter() : null));
        for (int i = 0; i < all.size() && !out.isCancelled(); i += BATCH) {
            StreamContainersResponse.Builder b = StreamContainersResponse.newBuilder();
            all.subList(i, Math.min(all.size(), i + BATCH)).forEach(c -> b.addContainers(ContainerProtos.summary(c)));
            out.send(b.build());
        }
    }
}
