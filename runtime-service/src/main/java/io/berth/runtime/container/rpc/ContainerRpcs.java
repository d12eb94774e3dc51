package io.berth.runtime.container.rpc;

import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.container.events.ContainerEvents;
import io.berth.runtime.container.stats.StatsCollector;
import io.berth.runtime.grpc.ServiceRouter;
import io.berth.runtime.sandbox.SandboxService;

/**
 * The container RPCs and their handlers, in one place, so berthd's
 * registration list (io.berth.runtime.rpc.RuntimeHandlers) needs one line:
 * {@code ContainerRpcs.register(builder, sandboxes, containers, stats, events)}.
 */
public final class ContainerRpcs {

    private ContainerRpcs() {
    }

    public static ServiceRouter.Builder register(ServiceRouter.Builder b, SandboxService sandboxes,
                                                 ContainerService c, StatsCollector stats, ContainerEvents events) {
        PodStats pods = new PodStats(sandboxes, c, stats);
        return b.unary(RuntimeServiceGrpc.getCreateContainerMethod(), new CreateContainerHandler(c))
                .unary(RuntimeServiceGrpc.getStartContainerMethod(), new StartContainerHandler(c))
                .unary(RuntimeServiceGrpc.getStopContainerMethod(), new StopContainerHandler(c))
                .unary(RuntimeServiceGrpc.getRemoveContainerMethod(), new RemoveContainerHandler(c))
                .unary(RuntimeServiceGrpc.getContainerStatusMethod(), new ContainerStatusHandler(c))
                .unary(RuntimeServiceGrpc.getListContainersMethod(), new ListContainersHandler(c))
                .serverStreaming(RuntimeServiceGrpc.getStreamContainersMethod(), new StreamContainersHandler(c))
                .unary(RuntimeServiceGrpc.getUpdateContainerResourcesMethod(), new UpdateContainerResourcesHandler(c))
                .unary(RuntimeServiceGrpc.getReopenContainerLogMethod(), new ReopenContainerLogHandler(c))
                .unary(RuntimeServiceGrpc.getExecSyncMethod(), new ExecSyncHandler(c))
                .unary(RuntimeServiceGrpc.getContainerStatsMethod(), new ContainerStatsHandler(c, stats))
                .unary(RuntimeServiceGrpc.getListContainerStatsMethod(), new ListContainerStatsHandler(c, stats))
                .serverStreaming(RuntimeServiceGrpc.getStreamContainerStatsMethod(),
                        new StreamContainerStatsHandler(c, stats))
                .unary(RuntimeServiceGrpc.getPodSandboxStatsMethod(), new PodSandboxStatsHandler(pods))
                .unary(RuntimeServiceGrpc.getListPodSandboxStatsMethod(), new ListPodSandboxStatsHandler(pods))
                .serverStreaming(RuntimeServiceGrpc.getStreamPodSandboxStatsMethod(),
                        new StreamPodSandboxStatsHandler(pods))
                .serverStreaming(RuntimeServiceGrpc.getGetContainerEventsMethod(),
                        new GetContainerEventsHandler(events));
    }
}
