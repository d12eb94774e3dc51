package io.berth.runtime.container.events;

import io.berth.cri.v1.ContainerEventResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out of container events to every GetContainerEvents subscriber. Publishing
 * never blocks: each subscriber has its own bounded queue, and one that falls
 * {@code capacity} events behind is dropped and told so, instead of slowing the
 * runtime or the other subscribers.
 */
public final class ContainerEvents {

    public static final int DEFAULT_CAPACITY = 1024;

    private final int capacity;
    private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();

    public ContainerEvents(int capacity) {
        this.capacity = capacity;
    }

    public ContainerEvents() {
        this(DEFAULT_CAPACITY);
    }

    /** One subscriber's queue. Close it when the stream ends. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<ContainerEventResponse> queue = new ArrayBlockingQueue<>(capacity);
        private volatile boolean overflowed;

        /**
         * The next event, or empty after {@code wait} without one.
         *
         * @throws IllegalStateException once the subscriber was dropped for falling behind
         */
        public Optional<ContainerEventResponse> next(Duration wait) throws InterruptedException {
            ContainerEventResponse e = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null && overflowed) {
                throw new IllegalStateException("event subscriber fell " + capacity + " events behind and was dropped");
            }
            return Optional.ofNullable(e);
        }

        public boolean dropped() {
            return overflowed;
        }

        void offer(ContainerEventResponse e) {
            if (!queue.offer(e)) {
                overflowed = true;
                subscribers.remove(this);
            }
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }

    public Subscription subscribe() {
        Subscription s = new Subscription();
        subscribers.add(s);
        return s;
    }

    public void publish(ContainerEventResponse event) {
        for (Subscription s : subscribers) {
            s.offer(event);
        }
    }

    public int subscriberCount() {
        return subscribers.size();
    }
}
