package io.berth.runtime.sandbox;

import io.berth.cri.v1.RemovePodSandboxRequest;
import io.berth.cri.v1.RemovePodSandboxResponse;
import io.berth.runtime.grpc.UnaryHandler;

/**
 * RemovePodSandbox: force-stops, then removes containers, namespaces, cgroup
 * and files. Idempotent, and succeeds for an unknown id (api.proto,
 * RemovePodSandbox).
 */
public final class RemovePodSandboxHandler
        implements UnaryHandler<RemovePodSandboxRequest, RemovePodSandboxResponse> {

    private final SandboxService sandboxes;

    public RemovePodSandboxHandler(SandboxService sandboxes) {
        this.sandboxes = sandboxes;
    }

    @Override
    public RemovePodSandboxResponse handle(RemovePodSandboxRequest request) {
        sandboxes.remove(request.getPodSandboxId());
        return RemovePodSandboxResponse.getDefaultInstance();
    }
}
