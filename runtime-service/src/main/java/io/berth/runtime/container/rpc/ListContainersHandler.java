package io.berth.runtime.container.rpc;

import io.berth.cri.v1.ListContainersRequest;
import io.berth.cri.v1.ListContainersResponse;
import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerProtos;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ListContainers: filter by id or unique prefix, state, pod sandbox and labels; never fails on a filter.
 * The kubelet relists every second, and most records have not changed since the last list: each
 * record's message is built once and reused (with its memoised size) until the record changes.
 */
public final class ListContainersHandler implements UnaryHandler<ListContainersRequest, ListContainersResponse> {

    /** A record (compared by identity: every change makes a new one) and its message. */
    private record Built(Container record, io.berth.cri.v1.Container message) {
    }

    private final ContainerService containers;
    private final Map<String, Built> built = new ConcurrentHashMap<>();

    public ListContainersHandler(ContainerService containers) {
        this.containers = containers;
        containers.onRemoved(built::remove);
    }

    @Override
    public ListContainersResponse handle(ListContainersRequest request) {
        ListContainersResponse.Builder b = ListContainersResponse.newBuilder();
        containers.list(Filters.of(request.hasFilter() ? request.getFilter() : null))
                .forEach(c -> b.addContainers(summary(c)));
        return b.build();
    }

    private io.berth.cri.v1.Container summary(Container c) {
        Built cached = built.get(c.id());
        if (cached != null && cached.record() == c) {
            return cached.message();
        }
        io.berth.cri.v1.Container m = ContainerProtos.summary(c);
        Built entry = new Built(c, m);
        built.put(c.id(), entry);
        if (containers.find(c.id()).isEmpty()) {
            built.remove(c.id(), entry); // removed while this list ran: its listener has already fired
        }
        return m;
    }

    /** How many messages are kept: one per listed container that exists (for tests). */
    public int kept() {
        return built.size();
    }
}
