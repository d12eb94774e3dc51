package io.berth.runtime.container.rpc;

import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One CRI message per container record, built once and reused until the record
 * changes. The kubelet asks for the same unchanged containers over and over
 * (a relist every second, a status per pod sync); every change makes a new
 * record, so identity tells whether the kept message is current. Messages of
 * removed containers are dropped.
 */
final class RecordMessages<M> {

    private record Built<M>(Container record, M message) {
    }

    private final ContainerService containers;
    private final Function<Container, M> build;
    private final Map<String, Built<M>> built = new ConcurrentHashMap<>();

    RecordMessages(ContainerService containers, Function<Container, M> build) {
        this.containers = containers;
        this.build = build;
        containers.onRemoved(built::remove);
    }

    M of(Container c) {
        Built<M> kept = built.get(c.id());
        if (kept != null && kept.record() == c) {
            return kept.message();
        }
        M m = build.apply(c);
        Built<M> entry = new Built<>(c, m);
        built.put(c.id(), entry);
        if (containers.find(c.id()).isEmpty()) {
            built.remove(c.id(), entry); // removed while this call ran: its listener has already fired
        }
        return m;
    }

    int size() {
        return built.size();
    }
}
