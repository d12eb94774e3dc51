package io.berth.runtime.stream.rpc;

import io.berth.cri.v1.PortForwardRequest;
import io.berth.cri.v1.PortForwardResponse;
import io.berth.runtime.grpc.UnaryHandler;
import io.berth.runtime.stream.PortForwardStreamRequest;
import io.berth.runtime.stream.StreamingService;

/** PortForward: validates the request and returns a single-use streaming URL (api.proto, PortForward). */
public final class PortForwardHandler implements UnaryHandler<PortForwardRequest, PortForwardResponse> {

    private final StreamTargets targets;
    private final StreamingService streaming;

    public PortForwardHandler(StreamTargets targets, StreamingService streaming) {
        this.targets = targets;
        this.streaming = streaming;
    }

    @Override
    public PortForwardResponse handle(PortForwardRequest request) {
        PortForwardStreamRequest checked = new PortForwardStreamRequest(request.getPodSandboxId(),
                request.getPortList());
        String id = targets.requireReadySandbox(checked.sandboxId());
        return PortForwardResponse.newBuilder()
                .setUrl(streaming.portForwardUrl(new PortForwardStreamRequest(id, checked.ports())))
                .build();
    }
}
