package io.berth.runtime.sandbox;

import io.berth.cri.v1.PodSandboxStatus;
import io.berth.cri.v1.PodSandboxStatusRequest;
import io.berth.cri.v1.PodSandboxStatusResponse;
import io.berth.runtime.grpc.UnaryHandler;
import io.berth.runtime.store.RecordMessages;
import java.time.Instant;

/** PodSandboxStatus: NotFound for an unknown id; {@code verbose} adds an "info" JSON entry. */
public final class PodSandboxStatusHandler
        implements UnaryHandler<PodSandboxStatusRequest, PodSandboxStatusResponse> {

    private final SandboxService sandboxes;
    private final RecordMessages<Sandbox, PodSandboxStatus> statuses;

    /** The status of an unchanged record is built once (it parses the stored config) and reused. */
    public PodSandboxStatusHandler(SandboxService sandboxes) {
        this.sandboxes = sandboxes;
        this.statuses = new RecordMessages<>(Sandbox::id, id -> sandboxes.find(id).isPresent(), SandboxProtos::status);
        sandboxes.onRemoved(statuses::forget);
        sandboxes.onRun(statuses::of);
    }

    @Override
    public PodSandboxStatusResponse handle(PodSandboxStatusRequest request) {
        Sandbox s = sandboxes.require(request.getPodSandboxId());
        Instant now = Instant.now();
        PodSandboxStatusResponse.Builder b = PodSandboxStatusResponse.newBuilder()
                .setStatus(statuses.of(s))
                .setTimestamp(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        if (request.getVerbose()) {
            b.putAllInfo(SandboxProtos.verboseInfo(s));
        }
        return b.build();
    }

    /** How many statuses are kept: one per pod asked about or run, while it exists (for tests). */
    int kept() {
        return statuses.size();
    }
}
