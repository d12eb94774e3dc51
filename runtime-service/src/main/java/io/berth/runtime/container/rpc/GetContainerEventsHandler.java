package io.berth.runtime.container.rpc;

import io.berth.common.error.ResourceExhaustedException;
import io.berth.cri.v1.ContainerEventResponse;
import io.berth.cri.v1.GetEventsRequest;
import io.berth.runtime.container.events.ContainerEvents;
import io.berth.runtime.grpc.ResponseStream;
import io.berth.runtime.grpc.StreamingHandler;
import java.time.Duration;
import java.util.Optional;

/**
 * GetContainerEvents: every event from subscription on, until the client goes
 * away. A subscriber that falls too far behind is dropped with
 * RESOURCE_EXHAUSTED (the kubelet then relists and subscribes again).
 */
public final class GetContainerEventsHandler implements StreamingHandler<GetEventsRequest, ContainerEventResponse> {

    /** How often a quiet stream checks whether its client is gone. */
    private static final Duration POLL = Duration.ofMillis(200);

    private final ContainerEvents events;

    public GetContainerEventsHandler(ContainerEvents events) {
        this.events = events;
    }

    @Override
    public void handle(GetEventsRequest request, ResponseStream<ContainerEventResponse> out) {
        try (ContainerEvents.Subscription sub = events.subscribe()) {
            while (!out.isCancelled()) {
                Optional<ContainerEventResponse> e = sub.next(POLL);
                e.ifPresent(out::send);
            }
        } catch (IllegalStateException dropped) {
            throw new ResourceExhaustedException(dropped.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
