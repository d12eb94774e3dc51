package io.berth.runtime.rpc;

import io.berth.cri.v1.UpdateRuntimeConfigRequest;
import io.berth.cri.v1.UpdateRuntimeConfigResponse;
import io.berth.runtime.grpc.UnaryHandler;

/**
 * UpdateRuntimeConfig: the kubelet hands over the node's pod CIDR. Berth
 * records it (Status verbose shows it); the CNI layer will read it from
 * {@link PodCidrs} when it lands.
 */
public final class UpdateRuntimeConfigHandler
        implements UnaryHandler<UpdateRuntimeConfigRequest, UpdateRuntimeConfigResponse> {

    private final PodCidrs podCidrs;

    public UpdateRuntimeConfigHandler(PodCidrs podCidrs) {
        this.podCidrs = podCidrs;
    }

    @Override
    public UpdateRuntimeConfigResponse handle(UpdateRuntimeConfigRequest request) {
        // A request without network_config leaves the recorded CIDR alone.
        if (request.getRuntimeConfig().hasNetworkConfig()) {
            podCidrs.update(request.getRuntimeConfig().getNetworkConfig().getPodCidr());
        }
        return UpdateRuntimeConfigResponse.getDefaultInstance();
    }
}
