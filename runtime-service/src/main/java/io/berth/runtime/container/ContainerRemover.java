package io.berth.runtime.container;

import io.berth.common.error.InternalException;
import io.berth.common.fs.AtomicFiles;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.store.NameRegistrar;
import io.berth.runtime.store.RecordStore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * RemoveContainer on a container the caller has locked: kills it if it runs,
 * then removes the runtime's state, the rootfs mount, the bundle and writable
 * layer, cgroup leftovers, the exit file, the record and the name. Every step
 * is idempotent, so a retry after a failure (or a restart) finishes the job.
 */
final class ContainerRemover {

    private final ContainerDeps deps;
    private final RecordStore<Container> store;
    private final NameRegistrar names;
    private final ContainerRunner runner;
    private final Events events;

    ContainerRemover(ContainerDeps deps, RecordStore<Container> store, NameRegistrar names, ContainerRunner runner,
                     Events events) {
        this.deps = deps;
        this.store = store;
        this.names = names;
        this.runner = runner;
        this.events = events;
    }

    void remove(Container c) {
        runner.stop(c, 0);
        String id = c.id();
        ContainerLayout l = deps.layout();
        step(id, "delete its OCI runtime state", () -> deps.runtimes().forHandler(c.runtimeHandler()).delete(id));
        step(id, "unmount its rootfs", () -> deps.rootfs().unmount(l.rootfs(id)));
        step(id, "delete its bundle " + l.bundle(id), () -> AtomicFiles.deleteTree(l.bundle(id)));
        Optional<Sandbox> sandbox = deps.sandboxes().apply(c.sandboxId());
        sandbox.ifPresent(s -> deps.cgroups().removeContainer(s.cgroup(), id));
        step(id, "delete its exit file", () -> Files.deleteIfExists(l.exitFile(id)));
        step(id, "delete its socket", () -> Files.deleteIfExists(l.socket(id)));
        deps.exits().forget(id);
        Container last = store.get(id).orElse(c);
        store.delete(id);
        names.releaseById(id);
        events.deleted(last);
    }

    private interface Step {
        void run() throws IOException;
    }

    private static void step(String id, String what, Step s) {
        try {
            s.run();
        } catch (IOException e) {
            throw new InternalException("remove container " + id + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
