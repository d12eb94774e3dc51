package io.berth.runtime.sandbox;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.RunPodSandboxRequest;
import io.berth.cri.v1.RunPodSandboxResponse;
import io.berth.runtime.grpc.UnaryHandler;

/**
 * RunPodSandbox: creates the pod's namespaces, cgroup and network, or nothing
 * (a failure rolls back every step and frees the name at once).
 */
public final class RunPodSandboxHandler implements UnaryHandler<RunPodSandboxRequest, RunPodSandboxResponse> {

    private final SandboxService sandboxes;

    public RunPodSandboxHandler(SandboxService sandboxes) {
        this.sandboxes = sandboxes;
    }

    @Override
    public RunPodSandboxResponse handle(RunPodSandboxRequest request) {
        if (!request.hasConfig()) {
            throw new InvalidArgumentException("RunPodSandbox needs a config");
        }
        Sandbox s = sandboxes.run(request.getConfig(), request.getRuntimeHandler());
        return RunPodSandboxResponse.newBuilder().setPodSandboxId(s.id()).build();
    }
}
