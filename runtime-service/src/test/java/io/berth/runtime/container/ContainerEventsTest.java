package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.ContainerEventResponse;
import io.berth.runtime.container.events.ContainerEvents;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ContainerEventsTest {

    private static ContainerEventResponse event(int i) {
        return ContainerEventResponse.newBuilder().setContainerId("c" + i).build();
    }

    @Test
    void aSlowSubscriberIsDroppedWithoutBlockingThePublisherOrTheOthers() throws Exception {
        ContainerEvents bus = new ContainerEvents(4);
        ContainerEvents.Subscription slow = bus.subscribe();
        ContainerEvents.Subscription fast = bus.subscribe();
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            bus.publish(event(i));
            assertEquals("c" + i, fast.next(Duration.ofSeconds(1)).orElseThrow().getContainerId());
        }
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "publishing never waited for the slow one");
        assertTrue(slow.dropped());
        assertEquals(1, bus.subscriberCount());
        for (int i = 0; i < 4; i++) {
            assertEquals("c" + i, slow.next(Duration.ZERO).orElseThrow().getContainerId(), "queued events still come");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> slow.next(Duration.ZERO));
        assertTrue(e.getMessage().contains("behind"));
    }

    @Test
    void closingUnsubscribes() {
        ContainerEvents bus = new ContainerEvents(4);
        try (ContainerEvents.Subscription s = bus.subscribe()) {
            assertEquals(1, bus.subscriberCount());
        }
        assertEquals(0, bus.subscriberCount());
    }
}
