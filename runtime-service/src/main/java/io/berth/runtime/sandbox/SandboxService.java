package io.berth.runtime.sandbox;

import io.berth.common.error.NotFoundException;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.LinuxPodSandboxConfig;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.runtime.store.NameRegistrar;
import io.berth.runtime.store.RecordStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod sandboxes of one berthd: their records, names and lifecycle. The
 * RPC handlers are thin adapters over this class; the container side uses
 * {@link #require} and {@link #find} to reach a sandbox's namespaces, cgroup
 * and files.
 *
 * <p>Operations on one sandbox are serialised (a striped lock per id); pods
 * with different ids proceed in parallel.
 */
public final class SandboxService {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxService.class);

    /** Record layout version written by this build (RecordStore envelope). */
    public static final int SCHEMA = 1;

    /**
     * What the service works with: the OS boundaries and the settings.
     *
     * @param runtimeHandlers named handlers accepted besides "" (the default)
     * @param cleanupTimeout  how long a rollback may take, independent of the RPC's deadline
     */
    public record Deps(SandboxLayout layout, PodNamespaces namespaces, SandboxNetworking network, PodCgroups cgroups,
                       InfraLauncher infra, PodFiles files, Set<String> runtimeHandlers, Duration cleanupTimeout) {
    }

    /** ListPodSandbox's filter; null or empty parts match everything. */
    public record Filter(String id, SandboxState state, Map<String, String> labels) {
    }

    private static final int STRIPES = 64;

    private final Deps deps;
    private final RecordStore<Sandbox> store;
    private final NameRegistrar names = new NameRegistrar("pod sandbox");
    private final Object[] locks = new Object[STRIPES];
    private final SandboxCreator creator;
    private final SandboxTeardown teardown;
    private volatile PodContainers containers = PodContainers.NONE;
    private final List<Consumer<Sandbox>> runListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> removalListeners = new CopyOnWriteArrayList<>();

    public SandboxService(Deps deps) {
        this.deps = deps;
        this.store = new RecordStore<>(deps.layout().recordsDir(), "pod sandbox", Sandbox.class, SCHEMA, Sandbox::id);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
        this.creator = new SandboxCreator(deps, store, names, this::lock);
        this.teardown = new SandboxTeardown(deps, store, names, () -> containers);
    }

    /** Hooks the container side in; until then a sandbox has no containers. */
    public void setContainers(PodContainers c) {
        this.containers = c;
    }

    /** RunPodSandbox: validates, creates everything or nothing, returns the READY record. */
    public Sandbox run(PodSandboxConfig config, String runtimeHandler) {
        Sandbox ready = creator.run(RunPlan.of(config, runtimeHandler, deps.runtimeHandlers()));
        // The pod exists now: a listener's failure must not turn its RunPodSandbox into an error
        // (the kubelet would retry with a new pod and this one would run unnamed until its GC).
        runListeners.forEach(l -> {
            try {
                l.accept(ready);
            } catch (RuntimeException e) {
                LOG.debug("pod sandbox {}: a run listener failed: {}", ready.id(), e.toString());
            }
        });
        return ready;
    }

    /**
     * Called with every READY record RunPodSandbox made, before the call returns: the
     * kubelet asks for the new pod's status (its IP) next, and the status cache builds
     * the message here, on a call that took ~0.1 s anyway.
     */
    public void onRun(Consumer<Sandbox> listener) {
        runListeners.add(listener);
    }

    /** Called with the id of every removed sandbox. */
    public void onRemoved(Consumer<String> listener) {
        removalListeners.add(listener);
    }

    /** StopPodSandbox; idempotent, also for unknown ids (api.proto, StopPodSandbox). */
    public void stop(String idOrPrefix) {
        withSandbox(idOrPrefix, teardown::stop);
    }

    /** RemovePodSandbox; idempotent, also for unknown ids (api.proto, RemovePodSandbox). */
    public void remove(String idOrPrefix) {
        withSandbox(idOrPrefix, s -> {
            teardown.remove(s);
            if (store.get(s.id()).isEmpty()) {
                removalListeners.forEach(l -> l.accept(s.id()));
            }
        });
    }

    /** The visible sandbox with this id or unique prefix. @throws NotFoundException otherwise */
    public Sandbox require(String idOrPrefix) {
        return find(idOrPrefix).orElseThrow(
                () -> new NotFoundException("pod sandbox \"" + idOrPrefix + "\" not found"));
    }

    /** The visible sandbox with this id or unique prefix, if any. */
    public Optional<Sandbox> find(String idOrPrefix) {
        return store.find(idOrPrefix).filter(s -> s.state().visible());
    }

    public List<Sandbox> list(Filter f) {
        List<Sandbox> out = new ArrayList<>();
        if (f != null && f.id() != null && !f.id().isEmpty()) {
            // An ambiguous prefix matches nothing, as an unknown id does: List never fails on a filter.
            Optional<Sandbox> one;
            try {
                one = find(f.id());
            } catch (io.berth.common.error.InvalidArgumentException ambiguous) {
                one = Optional.empty();
            }
            one.filter(s -> matches(s, f)).ifPresent(out::add);
            return out;
        }
        for (Sandbox s : store.list()) {
            if (s.state().visible() && matches(s, f)) {
                out.add(s);
            }
        }
        out.sort(java.util.Comparator.comparingLong(Sandbox::createdAtNanos));
        return out;
    }

    /** UpdatePodSandboxResources: the live pod cgroup and the stored config. */
    public void updateResources(String idOrPrefix, LinuxContainerResources overhead,
                                LinuxContainerResources resources) {
        Sandbox s = require(idOrPrefix);
        synchronized (lock(s.id())) {
            Sandbox cur = require(s.id());
            cur.state().require(cur.state().canUpdateResources(), cur.id(), "update the resources of");
            try {
                deps.cgroups().update(cur.cgroup(), overhead, resources);
            } catch (IOException e) {
                throw new io.berth.common.error.InternalException("pod sandbox " + cur.id()
                        + ": cannot update the pod cgroup " + cur.cgroup().path().value() + ": " + e.getMessage(), e);
            }
            PodSandboxConfig c = cur.parsedConfig();
            LinuxPodSandboxConfig.Builder lx = c.getLinux().toBuilder();
            if (overhead != null) {
                lx.setOverhead(overhead);
            }
            if (resources != null) {
                lx.setResources(resources);
            }
            store.update(cur.id(), r -> r.withConfig(c.toBuilder().setLinux(lx).build()));
        }
    }

    /** Start-up: reloads the records and reconciles them with what survived. */
    public SandboxRecovery.Report recover() throws IOException {
        return new SandboxRecovery(deps, store, names, teardown).recover();
    }

    /** Ids of every record, CREATING included: what start-up garbage collection must keep. */
    public java.util.Set<String> allIds() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        store.list().forEach(s -> ids.add(s.id()));
        return ids;
    }

    /** The name registrar, so that tests and diagnostics can check nothing is held. */
    NameRegistrar names() {
        return names;
    }

    private void withSandbox(String idOrPrefix, java.util.function.Consumer<Sandbox> action) {
        Optional<Sandbox> found = store.find(idOrPrefix);
        if (found.isEmpty()) {
            return;
        }
        String id = found.get().id();
        synchronized (lock(id)) {
            // Re-read under the lock: a concurrent Remove may have won, or a Run finished.
            store.get(id).filter(s -> s.state().visible()).ifPresent(action);
        }
    }

    private static boolean matches(Sandbox s, Filter f) {
        if (f == null) {
            return true;
        }
        if (f.state() != null && f.state() != s.state()) {
            return false;
        }
        if (f.labels() != null) {
            for (Map.Entry<String, String> e : f.labels().entrySet()) {
                if (!e.getValue().equals(s.labels().get(e.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private Object lock(String id) {
        return locks[Math.floorMod(id.hashCode(), STRIPES)];
    }
}
