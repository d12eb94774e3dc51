package io.berth.runtime.container;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InternalException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.runtime.sandbox.PodContainers;
import io.berth.runtime.store.NameRegistrar;
import io.berth.runtime.store.RecordMessages;
import io.berth.runtime.store.RecordStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers of one berthd: records, names and lifecycle. RPC handlers are
 * thin adapters over this class; the sandbox side reaches it through
 * {@link PodContainers}. Operations on one container are serialised by a
 * striped lock; different containers proceed in parallel.
 */
public final class ContainerService implements PodContainers {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerService.class);

    /** Record layout version written by this build (RecordStore envelope). */
    public static final int SCHEMA = 1;
    private static final int STRIPES = 64;

    /** ListContainers' filter; null or empty parts match everything. */
    public record Filter(String id, ContainerState state, String sandboxId, Map<String, String> labels) {
        public static final Filter ALL = new Filter(null, null, null, null);
    }

    private final ContainerDeps deps;
    private final RecordStore<Container> store;
    private final NameRegistrar names = new NameRegistrar("container");
    private final Object[] locks = new Object[STRIPES];
    private final Events events;
    private final ContainerCreator creator;
    private final ContainerRunner runner;
    private final ContainerRemover remover;
    private final ContainerTeardown teardown;
    private final ExecSync exec;
    private final List<Consumer<String>> removalListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Consumer<Container>> startListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ContainerService(ContainerDeps deps) {
        this.deps = deps;
        // Not fsynced: a power loss ends every container anyway, and recovery reports
        // them exited after the reboot; a kill -9 of berthd loses no write (RecordStore).
        this.store = new RecordStore<>(deps.layout().recordsDir(), "container", Container.class, SCHEMA,
                Container::id, false);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
        this.events = new Events(deps.events(), deps.sandboxes(), this::ofSandbox);
        this.creator = new ContainerCreator(deps, store, names, events, this::targetPidNamespace);
        this.teardown = new ContainerTeardown(deps);
        this.runner = new ContainerRunner(deps, store, events, this::lock, teardown);
        this.remover = new ContainerRemover(store, names, runner, teardown, events);
        this.exec = new ExecSync(deps);
    }

    public ContainerDeps deps() {
        return deps;
    }

    public Container create(String sandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
        return creator.create(sandboxId, config, sandboxConfig);
    }

    public void start(String idOrPrefix) {
        Container c = require(idOrPrefix);
        synchronized (lock(c.id())) {
            runner.start(require(c.id()));
        }
        store.get(c.id()).ifPresent(started -> startListeners.forEach(l -> {
            try {
                l.accept(started);
            } catch (RuntimeException e) {
                LOG.debug("container {}: a start listener failed: {}", c.id(), e.toString());
            }
        }));
    }

    /**
     * Called with the record of every container StartContainer started, before the call
     * returns. The kubelet asks for the status of a container it has just started; the
     * message caches build it here, on a call that waited ~0.1 s for the runtime anyway.
     */
    public void onStarted(Consumer<Container> listener) {
        startListeners.add(listener);
    }

    /**
     * A per-container message cache ({@link RecordMessages}) kept in step with this
     * service: built ahead at StartContainer, dropped at RemoveContainer.
     */
    public <M> RecordMessages<Container, M> messages(Function<Container, M> build) {
        RecordMessages<Container, M> m = new RecordMessages<>(Container::id, id -> find(id).isPresent(), build);
        onRemoved(m::forget);
        onStarted(m::of);
        return m;
    }

    /** StopContainer; idempotent, also for unknown ids (api.proto, StopContainer). */
    public void stop(String idOrPrefix, long timeoutSeconds) {
        // Not under the container's lock: the grace period may be long, and exits take the lock.
        findQuietly(idOrPrefix).ifPresent(c -> runner.stop(c, timeoutSeconds));
    }

    /** RemoveContainer; idempotent, also for unknown ids (api.proto, RemoveContainer). */
    public void remove(String idOrPrefix) {
        withContainer(idOrPrefix, c -> {
            remover.remove(c);
            removalListeners.forEach(l -> l.accept(c.id()));
        });
    }

    /** Called with the id of every removed container (e.g. StatsCollector::forget, so its rates do not pile up). */
    public void onRemoved(Consumer<String> listener) {
        removalListeners.add(listener);
    }

    public Container require(String idOrPrefix) {
        return find(idOrPrefix).orElseThrow(
                () -> new NotFoundException("container \"" + idOrPrefix + "\" not found"));
    }

    public Optional<Container> find(String idOrPrefix) {
        return store.find(idOrPrefix).filter(c -> c.state().visible());
    }

    public List<Container> list(Filter f) {
        List<Container> out = new ArrayList<>();
        if (f != null && f.id() != null && !f.id().isEmpty()) {
            findQuietly(f.id()).filter(c -> matches(c, f)).ifPresent(out::add);
            return out;
        }
        for (Container c : store.list()) {
            if (c.state().visible() && matches(c, f)) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparingLong(Container::createdAtNanos));
        return out;
    }

    /** UpdateContainerResources: the live cgroup (through the runtime) and the stored record. */
    public void updateResources(String idOrPrefix, LinuxContainerResources resources) {
        Container c = require(idOrPrefix);
        synchronized (lock(c.id())) {
            Container cur = require(c.id());
            cur.state().require(cur.state().canUpdateResources(), cur.id(), "update the resources of");
            if (cur.state() == ContainerState.RUNNING) {
                ResourceUpdates.apply(deps, cur, resources);
            }
            store.update(cur.id(), r -> r.withResources(ResourceUpdates.merged(r.parsedResources(), resources)));
        }
    }

    /** ReopenContainerLog: only a running container has a shim that can reopen (api.proto). */
    public void reopenLog(String idOrPrefix) {
        Container c = require(idOrPrefix);
        if (c.state() != ContainerState.RUNNING) {
            throw new FailedPreconditionException("cannot reopen the log of container " + c.id() + ": it is "
                    + c.state());
        }
        try {
            deps.control().reopenLog(deps.layout().socket(c.id()));
        } catch (IOException e) {
            throw new InternalException("reopen the log of container " + c.id() + ": " + e.getMessage(), e);
        }
    }

    public ExecResult execSync(String idOrPrefix, List<String> cmd, long timeoutSeconds) {
        return exec.run(require(idOrPrefix), cmd, timeoutSeconds);
    }

    /**
     * Chain ids that running and stopped containers are made of, and removed ones whose
     * rootfs may not be unmounted yet: the image GC keeps them.
     */
    public Set<String> snapshotsInUse() {
        Set<String> out = store.list().stream().map(c -> c.image().chainId()).collect(Collectors.toSet());
        out.addAll(teardown.chainsInUse());
        out.addAll(creator.chainsInUse());
        return Set.copyOf(out);
    }

    /**
     * Waits until the background teardown of every container stopped or removed so far
     * is done (runtime state, mounts, cgroups, bundles): for tests and shutdown.
     */
    public void awaitTeardowns(java.time.Duration timeout) {
        teardown.awaitAll(timeout);
    }

    /** Start-up: reloads records and reconciles them with what survived (shims, exit files, mounts). */
    public ContainerRecovery.Report recover() throws IOException {
        return new ContainerRecovery(deps, store, names, runner).recover();
    }

    // PodContainers: what StopPodSandbox and RemovePodSandbox call.

    @Override
    public void stopAll(String sandboxId) {
        for (Container c : ofSandbox(sandboxId)) {
            stop(c.id(), 0);
        }
    }

    /** Waits for the containers' background teardown: the sandbox removes the pod's cgroup next. */
    @Override
    public void removeAll(String sandboxId) {
        for (Container c : ofSandbox(sandboxId)) {
            remove(c.id());
        }
        teardown.awaitSandbox(sandboxId, deps.cleanupTimeout());
    }

    @Override
    public List<String> list(String sandboxId) {
        return ofSandbox(sandboxId).stream().map(Container::id).toList();
    }

    List<Container> ofSandbox(String sandboxId) {
        return list(new Filter(null, null, sandboxId, null));
    }

    /**
     * PID namespace mode TARGET (api.proto, NamespaceOption.target_id): the
     * running target container's pid namespace; NotFound or FailedPrecondition
     * naming it otherwise.
     */
    private String targetPidNamespace(ContainerConfig config) {
        var ns = config.getLinux().getSecurityContext().getNamespaceOptions();
        if (ns.getPid() != io.berth.cri.v1.NamespaceMode.TARGET) {
            return null;
        }
        // A bad target is a bad request field, not a missing object of this RPC (issue #8, bad input).
        Container target = findQuietly(ns.getTargetId()).orElseThrow(() -> new InvalidArgumentException(
                "namespace_options.target_id: container \"" + ns.getTargetId() + "\" not found"));
        if (target.state() != ContainerState.RUNNING || target.process() == null) {
            throw new FailedPreconditionException("target container " + target.id()
                    + " of the pid namespace is not running: it is " + target.state());
        }
        return "/proc/" + target.process().pid() + "/ns/pid";
    }

    NameRegistrar names() {
        return names;
    }

    private Optional<Container> findQuietly(String idOrPrefix) {
        try {
            return find(idOrPrefix);
        } catch (InvalidArgumentException ambiguousOrEmpty) {
            return Optional.empty();
        }
    }

    private void withContainer(String idOrPrefix, Consumer<Container> action) {
        Optional<Container> found = findQuietly(idOrPrefix);
        if (found.isEmpty()) {
            return;
        }
        String id = found.get().id();
        synchronized (lock(id)) {
            store.get(id).filter(c -> c.state().visible()).ifPresent(action);
        }
    }

    private static boolean matches(Container c, Filter f) {
        if (f == null) {
            return true;
        }
        if (f.state() != null && f.state() != c.state()) {
            return false;
        }
        if (f.sandboxId() != null && !f.sandboxId().isEmpty() && !c.sandboxId().startsWith(f.sandboxId())) {
            return false;
        }
        if (f.labels() != null) {
            for (Map.Entry<String, String> e : f.labels().entrySet()) {
                if (!e.getValue().equals(c.labels().get(e.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private Object lock(String id) {
        return locks[Math.floorMod(id.hashCode(), STRIPES)];
    }

    Path bundle(String id) {
        return deps.layout().bundle(id);
    }
}
