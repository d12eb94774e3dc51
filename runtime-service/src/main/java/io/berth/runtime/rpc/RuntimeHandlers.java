package io.berth.runtime.rpc;

import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.runtime.container.PodRuntime;
import io.berth.runtime.container.rpc.ContainerRpcs;
import io.berth.runtime.grpc.ServiceRouter;
import io.berth.runtime.podmetrics.PodMetricsRpcs;
import io.berth.runtime.sandbox.SandboxRpcs;
import io.berth.runtime.stream.rpc.AttachHandler;
import io.berth.runtime.stream.rpc.ExecHandler;
import io.berth.runtime.stream.rpc.PortForwardHandler;
import io.grpc.BindableService;

/**
 * The one place where RuntimeService RPCs meet their handler classes. To serve
 * a new RPC, write {@code FooHandler implements UnaryHandler<FooRequest,
 * FooResponse>} and add one line here; every RPC not listed answers
 * UNIMPLEMENTED. See runtime-service/README.md.
 */
public final class RuntimeHandlers {

    private RuntimeHandlers() {
    }

    public static BindableService runtimeService(RuntimeContext ctx) {
        ServiceRouter.Builder b = ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor())
                .unary(RuntimeServiceGrpc.getVersionMethod(), new VersionHandler(ctx.build()))
                .unary(RuntimeServiceGrpc.getStatusMethod(), new StatusHandler(ctx))
                .unary(RuntimeServiceGrpc.getRuntimeConfigMethod(), new RuntimeConfigHandler(ctx.cgroupDriver()))
                .unary(RuntimeServiceGrpc.getUpdateRuntimeConfigMethod(),
                        new UpdateRuntimeConfigHandler(ctx.podCidrs()));
        if (ctx.pods() != null) {
            PodRuntime p = ctx.pods();
            SandboxRpcs.register(b, p.sandboxes());
            ContainerRpcs.register(b, p.sandboxes(), p.containers(), p.stats(), p.events());
        }
        if (ctx.podMetrics() != null) {
            PodMetricsRpcs.register(b, ctx.podMetrics());
        }
        if (ctx.streaming() != null) {
            b.unary(RuntimeServiceGrpc.getExecMethod(), new ExecHandler(ctx.streamTargets(), ctx.streaming()))
                    .unary(RuntimeServiceGrpc.getAttachMethod(), new AttachHandler(ctx.streamTargets(), ctx.streaming()))
                    .unary(RuntimeServiceGrpc.getPortForwardMethod(),
                            new PortForwardHandler(ctx.streamTargets(), ctx.streaming()));
        }
        return b.build();
    }
}
