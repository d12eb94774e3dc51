package io.berth.runtime.container;

import io.berth.common.fs.AtomicFiles;
import io.berth.runtime.container.runtime.OciRuntime;
import io.berth.runtime.store.NameRegistrar;
import io.berth.runtime.store.RecordStore;
import io.berth.runtime.store.Rollback;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up: reloads the container records and reconciles each with what
 * survived. Shims are never restarted: a running container is followed again
 * through its exit file; one that exited while berthd was down gets its real
 * exit code and time from that file; one whose shim and exit file are gone
 * (a reboot empties the state dir) is reported EXITED, or UNKNOWN if the
 * runtime still runs it.
 */
final class ContainerRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRecovery.class);
    static final String LOST = "Unknown";

    /** What recovery found; {@code swept}: leftovers that no record named, removed. */
    public record Report(int created, int running, int exited, int unknown, int rolledBack,
                         Map<Path, String> unreadable, int swept) {
    }

    private final ContainerDeps deps;
    private final RecordStore<Container> store;
    private final NameRegistrar names;
    private final ContainerRunner runner;

    ContainerRecovery(ContainerDeps deps, RecordStore<Container> store, NameRegistrar names, ContainerRunner runner) {
        this.deps = deps;
        this.store = store;
        this.names = names;
        this.runner = runner;
    }

    Report recover() throws IOException {
        Files.createDirectories(deps.layout().exitDir());
        Files.createDirectories(deps.layout().socketDir());
        RecordStore.LoadReport<Container> loaded = store.load();
        int rolledBack = 0;
        List<Container> kept = new ArrayList<>();
        for (Container c : loaded.loaded()) {
            if (c.state() == ContainerState.CREATING) {
                discard(c);
                rolledBack++;
            } else {
                names.reserve(c.metadata().reservedIn(c.sandboxId()), c.id());
                kept.add(c);
            }
        }
        for (Container c : kept) {
            if (c.state() == ContainerState.CREATED) {
                adoptIfStarted(c);
            }
            if (store.get(c.id()).orElseThrow().state().mayHaveProcess()) {
                reconcile(store.get(c.id()).orElseThrow());
            }
        }
        Set<String> known = new HashSet<>();
        store.list().forEach(c -> known.add(c.id()));
        loaded.problems().keySet().forEach(p -> known.add(p.getFileName().toString().replaceFirst("\\.json$", "")));
        int swept = new OrphanSweep(deps, known).sweep().total();
        int[] n = new int[ContainerState.values().length];
        store.list().forEach(c -> n[c.state().ordinal()]++);
        Report r = new Report(n[ContainerState.CREATED.ordinal()], n[ContainerState.RUNNING.ordinal()],
                n[ContainerState.EXITED.ordinal()], n[ContainerState.UNKNOWN.ordinal()], rolledBack,
                loaded.problems(), swept);
        loaded.problems().forEach((p, why) -> LOG.warn("container record {} is unreadable: {}", p, why));
        return r;
    }

    private void reconcile(Container c) throws IOException {
        if (Files.exists(deps.layout().exitFile(c.id())) || shimAlive(c)) {
            runner.watch(c.id());
            return;
        }
        Optional<OciRuntime.State> st = runtimeState(c);
        if (st.isPresent() && st.get().running()) {
            // Running without a shim: nobody will write its exit. Stop and Remove still work.
            store.update(c.id(), r -> r.withState(ContainerState.UNKNOWN));
            return;
        }
        store.update(c.id(), r -> r.exited(new Container.ExitInfo(255, Clock.nowNanos(), LOST,
                "exit status lost: no shim and no exit file (the node rebooted or the shim was killed)")));
    }

    /**
     * A {@code kill -9} after the shim ran the container but before the record
     * said RUNNING leaves a CREATED record for a started container. Starting it
     * again would collide with the runtime's state and lose the running one, so
     * it is adopted: the runtime's pid, the shim as that process's parent (the
     * shim is its subreaper), and the created time as the best bound on the start.
     */
    private void adoptIfStarted(Container c) {
        boolean exited = Files.exists(deps.layout().exitFile(c.id()));
        Optional<OciRuntime.State> st = exited ? Optional.empty() : runtimeState(c);
        if (!exited && st.isEmpty()) {
            return;
        }
        long pid = st.map(OciRuntime.State::pid).orElse(0L);
        long shim = pid > 0 ? ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(0L)
                : 0L;
        LOG.warn("container {} was started before berthd stopped but recorded as created: adopting it (pid {}, "
                + "shim {})", c.id(), pid, shim);
        store.update(c.id(), r -> r.started(new Container.ProcessInfo(pid, shim, r.createdAtNanos())));
    }

    private Optional<OciRuntime.State> runtimeState(Container c) {
        try {
            return deps.runtimes().forHandler(c.runtimeHandler()).state(c.id());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private boolean shimAlive(Container c) {
        if (c.process() == null || !Files.exists(deps.layout().socket(c.id()))) {
            return false;
        }
        return ProcessHandle.of(c.process().shimPid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** A CreateContainer that never finished: undo what it may have done. */
    private void discard(Container c) {
        ContainerLayout l = deps.layout();
        try (Rollback rb = new Rollback("recovery of container " + c.id(), deps.cleanupTimeout())) {
            rb.add("record", () -> store.delete(c.id()));
            rb.add("bundle", () -> AtomicFiles.deleteTree(l.bundle(c.id())));
            rb.add("rootfs mount", () -> deps.rootfs().unmount(l.rootfs(c.id())));
        }
    }
}
