package io.berth.runtime.container.rpc;

import com.google.protobuf.ByteString;
import io.berth.cri.v1.ExecSyncRequest;
import io.berth.cri.v1.ExecSyncResponse;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;

/** ExecSync: runs a command in a running container and returns its output and exit code. */
public final class ExecSyncHandler implements UnaryHandler<ExecSyncRequest, ExecSyncResponse> {

    private final ContainerService containers;

    public ExecSyncHandler(ContainerService containers) {
        this.containers = containers;
    }

    @Override
    public ExecSyncResponse handle(ExecSyncRequest request) {
        var r = containers.execSync(request.getContainerId(), request.getCmdList(), Math.max(0, request.getTimeout()));
        return ExecSyncResponse.newBuilder().setStdout(ByteString.copyFrom(r.stdout()))
                .setStderr(ByteString.copyFrom(r.stderr())).setExitCode(r.exitCode()).build();
    }
}
