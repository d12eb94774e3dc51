package io.berth.runtime.rpc;

import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.runtime.grpc.ServiceRouter;
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
        return ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor())
                .unary(RuntimeServiceGrpc.getVersionMethod(), new VersionHandler(ctx.build()))
                .unary(RuntimeServiceGrpc.getStatusMethod(), new StatusHandler(ctx))
                .unary(RuntimeServiceGrpc.getRuntimeConfigMethod(), new RuntimeConfigHandler(ctx.cgroupDriver()))
                .unary(RuntimeServiceGrpc.getUpdateRuntimeConfigMethod(),
                        new UpdateRuntimeConfigHandler(ctx.podCidrs()))
                .build();
    }
}
