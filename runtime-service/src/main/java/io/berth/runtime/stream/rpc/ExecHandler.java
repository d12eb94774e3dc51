package io.berth.runtime.stream.rpc;

import io.berth.cri.v1.ExecRequest;
import io.berth.cri.v1.ExecResponse;
import io.berth.runtime.grpc.UnaryHandler;
import io.berth.runtime.stream.ExecStreamRequest;
import io.berth.runtime.stream.StdioOptions;
import io.berth.runtime.stream.StreamingService;

/**
 * Exec: validates the request and returns a single-use streaming URL; the
 * command runs when the client connects (api.proto, Exec: "Exec prepares a
 * streaming endpoint to execute a command in the container").
 */
public final class ExecHandler implements UnaryHandler<ExecRequest, ExecResponse> {

    private final StreamTargets targets;
    private final StreamingService streaming;

    public ExecHandler(StreamTargets targets, StreamingService streaming) {
        this.targets = targets;
        this.streaming = streaming;
    }

    @Override
    public ExecResponse handle(ExecRequest request) {
        // Validate the shape first: a malformed request is InvalidArgument whatever the container's state.
        StdioOptions stdio = new StdioOptions(request.getTty(), request.getStdin(), request.getStdout(),
                request.getStderr());
        ExecStreamRequest checked = new ExecStreamRequest(request.getContainerId(), request.getCmdList(), stdio);
        String id = targets.requireRunningContainer(checked.containerId());
        return ExecResponse.newBuilder()
                .setUrl(streaming.execUrl(new ExecStreamRequest(id, checked.cmd(), stdio)))
                .build();
    }
}
