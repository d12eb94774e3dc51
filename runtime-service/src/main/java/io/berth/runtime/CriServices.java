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

    static List<BindableService> create(RuntimeContext ctx, BindableService image) {
        return List.of(RuntimeHandlers.runtimeService(ctx), image);
    }

    /** Without the node services (tests of the runtime-level RPCs): ImageService answers UNIMPLEMENTED. */
    static List<BindableService> create(RuntimeContext ctx) {
        return create(ctx, ServiceRouter.allUnimplemented(ImageServiceGrpc.getServiceDescriptor()));
    }
}
