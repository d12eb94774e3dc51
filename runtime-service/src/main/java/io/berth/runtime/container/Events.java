package io.berth.runtime.container;

import io.berth.cri.v1.ContainerEventResponse;
import io.berth.cri.v1.ContainerEventType;
import io.berth.runtime.container.events.ContainerEvents;
import io.berth.runtime.sandbox.Sandbox;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Turns lifecycle changes into GetContainerEvents messages: the container, its pod, the pod's containers. */
final class Events {

    private final ContainerEvents bus;
    private final Function<String, Optional<Sandbox>> sandboxes;
    private final Function<String, List<Container>> podContainers;

    Events(ContainerEvents bus, Function<String, Optional<Sandbox>> sandboxes,
           Function<String, List<Container>> podContainers) {
        this.bus = bus;
        this.sandboxes = sandboxes;
        this.podContainers = podContainers;
    }

    void created(Container c) {
        publish(c, ContainerEventType.CONTAINER_CREATED_EVENT);
    }

    void started(Container c) {
        publish(c, ContainerEventType.CONTAINER_STARTED_EVENT);
    }

    void stopped(Container c) {
        publish(c, ContainerEventType.CONTAINER_STOPPED_EVENT);
    }

    void deleted(Container c) {
        publish(c, ContainerEventType.CONTAINER_DELETED_EVENT);
    }

    private void publish(Container c, ContainerEventType type) {
        if (bus.subscriberCount() == 0) {
            return; // building statuses costs; nobody listens
        }
        ContainerEventResponse.Builder e = ContainerEventResponse.newBuilder()
                .setContainerId(c.id()).setContainerEventType(type).setCreatedAt(Clock.nowNanos());
        sandboxes.apply(c.sandboxId()).ifPresent(s -> e.setPodSandboxStatus(ContainerProtos.podStatus(s)));
        for (Container other : podContainers.apply(c.sandboxId())) {
            e.addContainersStatuses(ContainerProtos.status(other));
        }
        bus.publish(e.build());
    }
}
