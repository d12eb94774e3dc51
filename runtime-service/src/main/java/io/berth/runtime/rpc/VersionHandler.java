package io.berth.runtime.rpc;

import io.berth.cri.v1.VersionRequest;
import io.berth.cri.v1.VersionResponse;
import io.berth.runtime.grpc.UnaryHandler;

/** Version: who we are. The kubelet checks runtime_api_version to pick the CRI version. */
public final class VersionHandler implements UnaryHandler<VersionRequest, VersionResponse> {

    static final String RUNTIME_NAME = "berth";
    static final String API_VERSION = "v1";
    /** The kubelet-runtime API version of VersionResponse.version; fixed by the CRI, not our release. */
    static final String KUBELET_API_VERSION = "0.1.0";

    private final BuildInfo build;

    public VersionHandler(BuildInfo build) {
        this.build = build;
    }

    @Override
    public VersionResponse handle(VersionRequest request) {
        return VersionResponse.newBuilder()
                .setVersion(KUBELET_API_VERSION)
                .setRuntimeName(RUNTIME_NAME)
                .setRuntimeVersion(build.version())
                .setRuntimeApiVersion(API_VERSION)
                .build();
    }
}
