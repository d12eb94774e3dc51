package io.berth.runtime;

import io.berth.cri.v1.ImageServiceGrpc;
import io.berth.runtime.grpc.ServiceRouter;
import io.berth.runtime.rpc.RuntimeContext;
import io.berth.runtime.rpc.RuntimeHandlers;
import io.grpc.BindableService;
import java.util.List;

/**
 * The two CRI services berthd serves. Each is just a {@link BindableService},
 * so the image service can be replaced by the image-service module's
 * implementation by changing the one line below.
 */
final class CriServices {

    private CriServices() {
    }

    static List<BindableService> create(RuntimeContext ctx) {
        BindableService runtime = RuntimeHandlers.runtimeService(ctx);
        BindableService image = ServiceRouter.allUnimplemented(ImageServiceGrpc.getServiceDescriptor());
        return List.of(runtime, image);
    }
}
