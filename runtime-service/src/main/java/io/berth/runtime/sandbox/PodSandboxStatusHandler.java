package io.berth.runtime.sandbox;

import io.berth.cri.v1.PodSandboxStatusRequest;
import io.berth.cri.v1.PodSandboxStatusResponse;
import io.berth.runtime.grpc.UnaryHandler;
import java.time.Instant;

/** PodSandboxStatus: NotFound for an unknown id; {@code verbose} adds an "info" JSON entry. */
public final class PodSandboxStatusHandler
        implements UnaryHandler<PodSandboxStatusRequest, PodSandboxStatusResponse> {

    private final SandboxService sandboxes;

    public PodSandboxStatusHandler(SandboxService sandboxes) {
        this.sandboxes = sandboxes;
    }

    @Override
    public PodSandboxStatusResponse handle(PodSandboxStatusRequest request) {
        Sandbox s = sandboxes.require(request.getPodSandboxId());
        Instant now = Instant.now();
        PodSandboxStatusResponse.Builder b = PodSandboxStatusResponse.newBuilder()
                .setStatus(SandboxProtos.status(s))
                .setTimestamp(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        if (request.getVerbose()) {
            b.putAllInfo(SandboxProtos.verboseInfo(s));
        }
        return b.build();
    }
}
