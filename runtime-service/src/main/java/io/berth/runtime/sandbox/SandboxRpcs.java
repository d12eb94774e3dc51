package io.berth.runtime.sandbox;

import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.runtime.grpc.ServiceRouter;

/**
 * The sandbox RPCs and their handlers, in one place, so that berthd's
 * registration list (io.berth.runtime.rpc.RuntimeHandlers) needs one line:
 * {@code SandboxRpcs.register(builder, sandboxes)}.
 */
public final class SandboxRpcs {

    private SandboxRpcs() {
    }

    public static ServiceRouter.Builder register(ServiceRouter.Builder b, SandboxService sandboxes) {
        return b.unary(RuntimeServiceGrpc.getRunPodSandboxMethod(), new RunPodSandboxHandler(sandboxes))
                .unary(RuntimeServiceGrpc.getStopPodSandboxMethod(), new StopPodSandboxHandler(sandboxes))
                .unary(RuntimeServiceGrpc.getRemovePodSandboxMethod(), new RemovePodSandboxHandler(sandboxes))
                .unary(RuntimeServiceGrpc.getPodSandboxStatusMethod(), new PodSandboxStatusHandler(sandboxes))
                .unary(RuntimeServiceGrpc.getListPodSandboxMethod(), new ListPodSandboxHandler(sandboxes))
                .serverStreaming(RuntimeServiceGrpc.getStreamPodSandboxesMethod(),
                        new StreamPodSandboxesHandler(sandboxes))
                .unary(RuntimeServiceGrpc.getUpdatePodSandboxResourcesMethod(),
                        new UpdatePodSandboxResourcesHandler(sandboxes));
    }
}
