package io.berth.runtime.container;

import io.berth.runtime.store.NameRegistrar;
import io.berth.runtime.store.RecordStore;

/**
 * RemoveContainer on a container the caller has locked: kills it if it runs,
 * then drops the record and the name, so that the container is gone for every
 * caller at once. Runtime state, rootfs mount, cgroup, bundle and state files
 * go in the background ({@link ContainerTeardown}); RemovePodSandbox waits for
 * it, and after a crash the start-up sweep finishes what is left.
 */
final class ContainerRemover {

    private final RecordStore<Container> store;
    private final NameRegistrar names;
    private final ContainerRunner runner;
    private final ContainerTeardown teardown;
    private final Events events;

    ContainerRemover(RecordStore<Container> store, NameRegistrar names, ContainerRunner runner,
                     ContainerTeardown teardown, Events events) {
        this.store = store;
        this.names = names;
        this.runner = runner;
        this.teardown = teardown;
        this.events = events;
    }

    void remove(Container c) {
        runner.stop(c, 0);
        String id = c.id();
        Container last = store.get(id).orElse(c);
        store.delete(id);
        names.releaseById(id);
        teardown.remove(last);
        events.deleted(last);
    }
}
