package io.berth.runtime.stream.runtime;

import io.berth.runtime.stream.rpc.StreamTargets;

/** The streaming RPCs' checks, answered by the same lookups the streaming runtime uses. */
public final class ServiceStreamTargets implements StreamTargets {

    private final ContainerStreams lookups;

    public ServiceStreamTargets(ContainerStreams lookups) {
        this.lookups = lookups;
    }

    @Override
    public String requireRunningContainer(String containerId) {
        return lookups.running(containerId).id();
    }

    @Override
    public String requireReadySandbox(String sandboxId) {
        return lookups.readySandbox(sandboxId).id();
    }
}
