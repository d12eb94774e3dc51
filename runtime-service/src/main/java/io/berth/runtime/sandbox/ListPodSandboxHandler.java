package io.berth.runtime.sandbox;

import io.berth.cri.v1.ListPodSandboxRequest;
import io.berth.cri.v1.ListPodSandboxResponse;
import io.berth.runtime.grpc.UnaryHandler;

/** ListPodSandbox: filters by id or unique id prefix, state and labels; never fails on a filter. */
public final class ListPodSandboxHandler implements UnaryHandler<ListPodSandboxRequest, ListPodSandboxResponse> {

    private final SandboxService sandboxes;

    public ListPodSandboxHandler(SandboxService sandboxes) {
        this.sandboxes = sandboxes;
    }

    @Override
    public ListPodSandboxResponse handle(ListPodSandboxRequest request) {
        ListPodSandboxResponse.Builder b = ListPodSandboxResponse.newBuilder();
        for (Sandbox s : sandboxes.list(SandboxProtos.filter(request.hasFilter() ? request.getFilter() : null))) {
            b.addItems(SandboxProtos.summary(s));
        }
        return b.build();
    }
}
