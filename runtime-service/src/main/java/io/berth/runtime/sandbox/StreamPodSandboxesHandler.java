package io.berth.runtime.sandbox;

import io.berth.cri.v1.StreamPodSandboxesRequest;
import io.berth.cri.v1.StreamPodSandboxesResponse;
import io.berth.runtime.grpc.ResponseStream;
import io.berth.runtime.grpc.StreamingHandler;
import java.util.List;

/**
 * StreamPodSandboxes: ListPodSandbox's answer split over several messages, so
 * that a node with many pods never hits the gRPC message size limit.
 */
public final class StreamPodSandboxesHandler
        implements StreamingHandler<StreamPodSandboxesRequest, StreamPodSandboxesResponse> {

    /** Pods per message: a PodSandbox with labels and annotations is well under 4 KiB. */
    static final int BATCH = 500;

    private final SandboxService sandboxes;

    public StreamPodSandboxesHandler(SandboxService sandboxes) {
        this.sandboxes = sandboxes;
    }

    @Override
    public void handle(StreamPodSandboxesRequest request, ResponseStream<StreamPodSandboxesResponse> out) {
        List<Sandbox> all = sandboxes.list(SandboxProtos.filter(request.hasFilter() ? request.getFilter() : null));
        for (int i = 0; i < all.size() && !out.isCancelled(); i += BATCH) {
            StreamPodSandboxesResponse.Builder b = StreamPodSandboxesResponse.newBuilder();
            all.subList(i, Math.min(all.size(), i + BATCH)).forEach(s -> b.addPodSandboxes(SandboxProtos.summary(s)));
            out.send(b.build());
        }
    }
}
