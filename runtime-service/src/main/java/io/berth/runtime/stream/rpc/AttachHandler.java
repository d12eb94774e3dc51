package io.berth.runtime.stream.rpc;

import io.berth.cri.v1.AttachRequest;
import io.berth.cri.v1.AttachResponse;
import io.berth.runtime.grpc.UnaryHandler;
import io.berth.runtime.stream.AttachStreamRequest;
import io.berth.runtime.stream.StdioOptions;
import io.berth.runtime.stream.StreamingService;

/** Attach: validates the request and returns a single-use streaming URL (api.proto, Attach). */
public final class AttachHandler implements UnaryHandler<AttachRequest, AttachResponse> {

    private final StreamTargets targets;
    private final StreamingService streaming;

    public AttachHandler(StreamTargets targets, StreamingService streaming) {
        this.targets = targets;
        this.streaming = streaming;
    }

    @Override
    public AttachResponse handle(AttachRequest request) {
        StdioOptions stdio = new StdioOptions(request.getTty(), request.getStdin(), request.getStdout(),
                request.getStderr());
        AttachStreamRequest checked = new AttachStreamRequest(request.getContainerId(), stdio);
        String id = targets.requireRunningContainer(checked.containerId());
        return AttachResponse.newBuilder()
                .setUrl(streaming.attachUrl(new AttachStreamRequest(id, stdio)))
                .build();
    }
}
