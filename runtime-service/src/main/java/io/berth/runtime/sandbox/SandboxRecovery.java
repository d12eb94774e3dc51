package io.berth.runtime.sandbox;

import io.berth.common.error.AlreadyExistsException;
import io.berth.runtime.store.NameRegistrar;
import io.berth.runtime.store.RecordStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up: reloads sandbox records and reconciles them with the node.
 * READY sandboxes whose namespaces are still pinned stay READY (a berthd
 * restart or kill -9 does not disturb pods); those whose pins are gone (a
 * reboot emptied the state dir) or whose infra process died become NOTREADY
 * and can be removed cleanly. A RunPodSandbox that never finished is undone.
 */
public final class SandboxRecovery {

    /** What recovery did, for the start-up log. */
    public record Report(int ready, int notReady, int rolledBack, Map<Path, String> unreadable) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(SandboxRecovery.class);

    private final SandboxService.Deps deps;
    private final RecordStore<Sandbox> store;
    private final NameRegistrar names;
    private final SandboxTeardown teardown;

    SandboxRecovery(SandboxService.Deps deps, RecordStore<Sandbox> store, NameRegistrar names,
                    SandboxTeardown teardown) {
        this.deps = deps;
        this.store = store;
        this.names = names;
        this.teardown = teardown;
    }

    Report recover() throws IOException {
        RecordStore.LoadReport<Sandbox> loaded = store.load();
        loaded.problems().forEach((p, why) -> LOG.error("unreadable pod sandbox record {}: {}", p, why));
        int ready = 0;
        int notReady = 0;
        int rolledBack = 0;
        for (Sandbox s : loaded.loaded()) {
            if (s.state() == SandboxState.CREATING) {
                LOG.warn("pod sandbox {} ({}) was being created when berthd stopped: undoing it",
                        s.id(), s.metadata().reservedName());
                teardown.discard(s);
                rolledBack++;
                continue;
            }
            reserve(s);
            if (s.state() == SandboxState.READY && !intact(s)) {
                LOG.warn("pod sandbox {} lost its namespaces or infra process: now NOTREADY", s.id());
                store.update(s.id(), r -> r.withState(SandboxState.NOTREADY));
            }
            if (store.get(s.id()).map(r -> r.state() == SandboxState.READY).orElse(false)) {
                ready++;
            } else {
                notReady++;
            }
        }
        return new Report(ready, notReady, rolledBack, loaded.problems());
    }

    private void reserve(Sandbox s) {
        try {
            names.reserve(s.metadata().reservedName(), s.id());
        } catch (AlreadyExistsException e) {
            LOG.error("two pod sandbox records claim one name: {}", e.getMessage());
        }
    }

    /** Whether everything the pod's containers join is still there. */
    private boolean intact(Sandbox s) {
        SandboxNamespaces ns = s.namespaces();
        if (ns.netns() != null && !deps.network().netnsExists(Path.of(ns.netns()))) {
            return false;
        }
        if (ns.ipc() != null && !deps.namespaces().isPinned(Path.of(ns.ipc()))) {
            return false;
        }
        if (ns.uts() != null && !deps.namespaces().isPinned(Path.of(ns.uts()))) {
            return false;
        }
        if (ns.user() != null && !deps.namespaces().isPinned(Path.of(ns.user()))) {
            return false;
        }
        return ns.infra() == null || deps.infra().alive(ns.infra());
    }
}
