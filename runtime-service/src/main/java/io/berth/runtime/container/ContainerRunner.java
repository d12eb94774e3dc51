package io.berth.runtime.container;

import io.berth.common.error.BerthException;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InternalException;
import io.berth.runtime.container.rootfs.RootfsMounter;
import io.berth.runtime.container.runtime.OciRuntime;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.shim.ShimConfig;
import io.berth.runtime.shim.ShimExit;
import io.berth.runtime.shim.ShimProcess;
import io.berth.runtime.store.RecordStore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** StartContainer, StopContainer and exits: the running part of the lifecycle. */
final class ContainerRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRunner.class);
    static final String START_ERROR = "StartError";

    private final ContainerDeps deps;
    private final RecordStore<Container> store;
    private final Events events;
    private final Function<String, Object> locks;
    private final ContainerTeardown teardown;

    ContainerRunner(ContainerDeps deps, RecordStore<Container> store, Events events, Function<String, Object> locks,
                    ContainerTeardown teardown) {
        this.deps = deps;
        this.store = store;
        this.events = events;
        this.locks = locks;
        this.teardown = teardown;
    }

    /** StartContainer: only from CREATED (api.proto); a failed start leaves the container EXITED with the reason. */
    void start(Container c) {
        c.state().require(c.state().canStart(), c.id(), "start");
        Sandbox sandbox = deps.sandboxes().apply(c.sandboxId()).orElseThrow(() -> new FailedPreconditionException(
                "cannot start container " + c.id() + ": its pod sandbox " + c.sandboxId() + " is gone"));
        // A stopped pod's namespaces are unpinned (after a reboot they never existed): the
        // runtime's own error would name a missing /run/netns path, not the reason. Checked
        // before anything runs, so the container stays CREATED and removable, as in containerd.
        if (!sandbox.state().canCreateContainers()) {
            throw new FailedPreconditionException("cannot start container " + c.id() + ": its pod sandbox "
                    + sandbox.id() + " is " + sandbox.state() + " (stopped)");
        }
        OciRuntime runtime = deps.runtimes().forHandler(c.runtimeHandler());
        ShimProcess p;
        long startedAt;
        try {
            ensureRootfs(c);
            // Taken before the shim runs the process: a container that exits at once
            // has its finish time (from the shim) before the start call returns, and
            // started_at must never come after finished_at.
            startedAt = Clock.nowNanos();
            p = deps.shims().start(shimConfig(c, runtime));
        } catch (BerthException | IOException e) {
            failStart(c, sandbox, e);
            throw e instanceof BerthException b ? b
                    : new InternalException("start container " + c.id() + ": " + e.getMessage(), e);
        }
        Container running = store.update(c.id(), r -> r.started(
                new Container.ProcessInfo(p.pid(), p.shimPid(), startedAt)));
        events.started(running);
        watch(c.id());
    }

    private ShimConfig shimConfig(Container c, OciRuntime runtime) {
        ContainerLayout l = deps.layout();
        var cfg = c.parsedConfig();
        java.nio.file.Path log = c.logPath().isEmpty() ? l.privateLog(c.id()) : java.nio.file.Path.of(c.logPath());
        return ShimConfig.container(c.id(), l.bundle(c.id()), log, l.exitFile(c.id()), l.socket(c.id()))
                .withRuntime(runtime.binary(), runtime.globalArgs())
                .withStdio(new ShimConfig.Stdio(cfg.getTty(), cfg.getStdin(), cfg.getStdinOnce()));
    }

    /** After a reboot the overlay is gone but the record says CREATED: mount it again. */
    private void ensureRootfs(Container c) throws IOException {
        ContainerLayout l = deps.layout();
        if (deps.rootfs().isMounted(l.rootfs(c.id()))) {
            return;
        }
        var image = deps.images().resolve(c.image().id());
        deps.rootfs().mount(new RootfsMounter.Request(image.snapshotsBase(), image.lowerDirs(), l.upper(c.id()),
                l.work(c.id()), l.rootfs(c.id())));
    }

    private void failStart(Container c, Sandbox sandbox, Exception e) {
        // The shim undid the runtime's work; a cgroup the runtime made may remain.
        try {
            deps.cgroups().removeContainer(sandbox.cgroup(), c.id());
        } catch (RuntimeException cleanup) {
            LOG.warn("container {}: cannot remove the cgroup after a failed start", c.id(), cleanup);
        }
        Container failed = store.update(c.id(), r -> r.exited(new Container.ExitInfo(128, Clock.nowNanos(),
                START_ERROR, String.valueOf(e.getMessage()))));
        events.stopped(failed);
    }

    /** Follows the exit file of a running container (also after a restart). */
    void watch(String id) {
        // Async: the watcher's own thread must never wait for a container lock.
        deps.exits().exitOf(id).whenCompleteAsync((exit, err) -> {
            if (exit != null) {
                onExit(id, exit);
            } else if (!(err instanceof java.util.concurrent.CancellationException)) {
                LOG.warn("container {}: lost track of its exit", id, err);
            }
        }, r -> Thread.ofVirtual().name("exit-" + id.substring(0, 12)).start(r));
    }

    /** Records an exit once; later calls for the same exit change nothing. */
    Optional<Container> onExit(String id, ShimExit exit) {
        synchronized (locks.apply(id)) {
            Optional<Container> cur = store.get(id);
            if (cur.isEmpty() || !cur.get().state().mayHaveProcess()) {
                return cur;
            }
            Container done = store.update(id, c -> c.exited(new Container.ExitInfo(exit.exitCode(),
                    Clock.nanos(exit.finishedAt()), exit.reason(), "")));
            teardown.release(done);
            events.stopped(done);
            return Optional.of(done);
        }
    }

    /**
     * StopContainer: the stop signal, {@code timeoutSeconds} of grace, then SIGKILL
     * to every process. Idempotent (api.proto, StopContainer): a stopped container succeeds.
     */
    void stop(Container c, long timeoutSeconds) {
        if (!c.state().mayHaveProcess()) {
            return;
        }
        OciRuntime runtime = deps.runtimes().forHandler(c.runtimeHandler());
        CompletableFuture<ShimExit> exit = deps.exits().exitOf(c.id());
        try {
            if (timeoutSeconds > 0) {
                if (!DirectSignal.send(c.process(), c.stopSignal())) {
                    runtime.kill(c.id(), c.stopSignal(), false);
                }
                if (await(c.id(), exit, timeoutSeconds * 1000)) {
                    return;
                }
                // Says why the grace ran out: a handler never set (SigCgt), the signal blocked or ignored.
                LOG.warn("container {}: still running {} s after signal {}; killing it ({})", c.id(),
                        timeoutSeconds, c.stopSignal(), DirectSignal.signalState(c.process()));
            }
            runtime.kill(c.id(), StopSignals.SIGKILL, true);
            if (!await(c.id(), exit, deps.killWait().toMillis())) {
                markLost(c, runtime);
            }
        } catch (IOException e) {
            throw new InternalException("stop container " + c.id() + ": " + e.getMessage(), e);
        }
    }

    private boolean await(String id, CompletableFuture<ShimExit> f, long millis) {
        try {
            onExit(id, f.get(millis, TimeUnit.MILLISECONDS));
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.berth.common.error.DeadlineExceededException("interrupted while stopping container " + id);
        } catch (ExecutionException e) {
            return false;
        }
    }

    /** No exit file came (the shim was killed): ask the runtime, and record what is known. */
    private void markLost(Container c, OciRuntime runtime) throws IOException {
        Optional<OciRuntime.State> st = runtime.state(c.id());
        if (st.isPresent() && "running".equals(st.get().status())) {
            throw new InternalException("container " + c.id() + " is still running after SIGKILL");
        }
        synchronized (locks.apply(c.id())) {
            store.get(c.id()).filter(r -> r.state().mayHaveProcess()).ifPresent(r -> events.stopped(
                    store.update(c.id(), x -> x.exited(new Container.ExitInfo(137, Clock.nowNanos(), "Error",
                            "exit status lost: the shim was gone")))));
        }
    }

    /** Whether the shim already wrote the exit file (checked without the watcher). */
    boolean exitFileExists(String id) {
        return Files.exists(deps.layout().exitFile(id));
    }
}
