package io.berth.runtime.container;

import io.berth.common.fs.AtomicFiles;
import io.berth.runtime.cgroup.CgroupDriver;
import io.berth.runtime.cgroup.PodCgroup;
import io.berth.runtime.container.runtime.OciRuntime;
import io.berth.runtime.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the slow part of ending a container off the RPCs' paths. As containerd
 * deletes a task as soon as it exits, a container's runtime state, rootfs mount
 * and cgroup are <em>released</em> in the background once its process has
 * exited: nothing needs them afterwards (an exited container never runs again;
 * its writable layer stays for stats). RemoveContainer then drops the record
 * and the name at once and leaves the bundle and the state files to the same
 * background work, after the release.
 *
 * <p>A {@code kill -9} in between leaves runtime state, mounts and bundles that
 * no record names: start-up recovery sweeps them (OrphanSweep). Within one
 * berthd, RemovePodSandbox waits for its containers here before it removes the
 * pod's cgroup, and the image GC sees a removed container's snapshot chain as
 * in use until its rootfs is unmounted.
 */
final class ContainerTeardown {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerTeardown.class);

    /** One container's background work; {@code chainId} stays leased until it completes. */
    private record Work(String sandboxId, String chainId, CompletableFuture<Void> done) {
    }

    private final ContainerDeps deps;
    private final Executor executor;
    private final Map<String, Work> releases = new ConcurrentHashMap<>();
    private final Map<String, Work> removals = new ConcurrentHashMap<>();

    ContainerTeardown(ContainerDeps deps) {
        this.deps = deps;
        this.executor = r -> Thread.ofVirtual().name("teardown").start(r);
    }

    /** The shim reaped the init of {@code c}: release what it held, once, in the background. */
    void release(Container c) {
        releaseWork(c, true);
    }

    /** @param reaped the shim's exit file proved the init dead (not merely a runtime's word, or a failed start) */
    private Work releaseWork(Container c, boolean reaped) {
        // The pod cgroup is read now: by the time the work runs, the pod may be going.
        PodCgroup pod = podCgroup(c);
        return releases.computeIfAbsent(c.id(), id -> {
            CompletableFuture<Void> f = CompletableFuture.runAsync(() -> releaseNow(c, pod, reaped), executor);
            f.whenComplete((ok, failed) -> {
                if (failed != null) {
                    LOG.warn("container {}: release after exit: {} (RemoveContainer retries)", id,
                            String.valueOf(failed.getMessage()));
                }
            });
            return new Work(c.sandboxId(), c.image().chainId(), f);
        });
    }

    /**
     * Whether every process of {@code c} died with its init: in its own PID namespace the
     * kernel kills the rest when the init exits. In the pod's, the node's or another
     * container's, children may live on in its cgroup: the runtime's delete deals with them.
     * The cgroupfs driver only: with systemd the runtime's delete also stops a scope unit.
     */
    private static boolean nothingOutlivesInit(Container c, PodCgroup pod) {
        return pod != null && pod.driver() == CgroupDriver.CGROUPFS && c.process() != null
                && c.parsedConfig().getLinux().getSecurityContext().getNamespaceOptions().getPid()
                == io.berth.cri.v1.NamespaceMode.CONTAINER;
    }

    private PodCgroup podCgroup(Container c) {
        return deps.sandboxes().apply(c.sandboxId()).map(Sandbox::cgroup).orElse(null);
    }

    /** Every step is tried; the first failure is reported after all of them ran. */
    private void releaseNow(Container c, PodCgroup pod, boolean reaped) {
        String id = c.id();
        ContainerLayout l = deps.layout();
        Steps s = new Steps(id);
        OciRuntime runtime = deps.runtimes().forHandler(c.runtimeHandler());
        if (reaped && nothingOutlivesInit(c, pod)) {
            s.run("delete its OCI runtime state", () -> runtime.deleteExited(id));
        } else {
            s.run("delete its OCI runtime state", () -> runtime.delete(id));
        }
        s.run("unmount its rootfs", () -> deps.rootfs().unmount(l.rootfs(id)));
        if (pod != null) {
            s.run("remove its cgroup", () -> deps.cgroups().removeContainer(pod, id));
        }
        s.done();
    }

    /**
     * RemoveContainer, after the record is gone and the process is known to be dead:
     * the release (if it has not run) and then the bundle, exit file and socket.
     */
    void remove(Container c) {
        String id = c.id();
        deps.exits().forget(id);
        Work release = releaseWork(c, false);
        CompletableFuture<Void> done = release.done()
                .handle((ok, failed) -> {
                    if (failed != null) {
                        // Once more, now that every process is surely gone (e.g. EBUSY at exit).
                        LOG.debug("container {}: retrying its release: {}", id, failed.getMessage());
                        releaseNow(c, podCgroup(c), false);
                    }
                    return null;
                })
                .thenRunAsync(() -> deleteFiles(id), executor);
        Work w = new Work(c.sandboxId(), c.image().chainId(), done);
        removals.put(id, w);
        done.whenComplete((ok, failed) -> {
            removals.remove(id, w);
            releases.remove(id, release);
            if (failed != null) {
                LOG.warn("container {}: removal left something behind (start-up recovery sweeps it): {}", id,
                        String.valueOf(failed.getMessage()));
            }
        });
    }

    private void deleteFiles(String id) {
        ContainerLayout l = deps.layout();
        Steps s = new Steps(id);
        s.run("delete its bundle " + l.bundle(id), () -> AtomicFiles.deleteTree(l.bundle(id)));
        s.run("delete its exit file", () -> Files.deleteIfExists(l.exitFile(id)));
        s.run("delete its socket", () -> Files.deleteIfExists(l.socket(id)));
        s.done();
    }

    /** Snapshot chains that removed containers still hold (their rootfs may still be mounted). */
    Set<String> chainsInUse() {
        Set<String> out = new java.util.HashSet<>();
        removals.values().forEach(w -> out.add(w.chainId()));
        return out;
    }

    /** Waits for the background work of the pod's containers (before its cgroup goes). */
    void awaitSandbox(String sandboxId, Duration timeout) {
        await(w -> w.sandboxId().equals(sandboxId), timeout);
    }

    /** Waits for every background release and removal started so far (tests, shutdown). */
    void awaitAll(Duration timeout) {
        await(w -> true, timeout);
    }

    private void await(Predicate<Work> which, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map<String, Work> m : java.util.List.of(releases, removals)) {
            for (Work w : m.values()) {
                if (!which.test(w)) {
                    continue;
                }
                try {
                    w.done().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException failedAndLogged) {
                    // its own log line says what is left
                } catch (TimeoutException e) {
                    LOG.warn("container teardown still running after {}", timeout);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    /** Runs every step of one container and remembers the first failure. */
    private static final class Steps {
        private final String id;
        private IllegalStateException first;

        Steps(String id) {
            this.id = id;
        }

        void run(String what, Step s) {
            try {
                s.run();
            } catch (IOException | RuntimeException e) {
                if (first == null) {
                    first = new IllegalStateException("container " + id + ": cannot " + what + ": "
                            + e.getMessage(), e);
                }
            }
        }

        void done() {
            if (first != null) {
                throw first;
            }
        }
    }
}
