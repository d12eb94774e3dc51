package io.berth.runtime.sandbox;

import io.berth.common.error.BerthException;
import io.berth.common.error.InternalException;
import io.berth.common.fs.AtomicFiles;
import io.berth.runtime.store.NameRegistrar;
import io.berth.runtime.store.RecordStore;
import io.berth.runtime.store.Rollback;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * StopPodSandbox and RemovePodSandbox on a sandbox the caller has locked.
 * Every step is idempotent, so a retry after a failure (or after a restart)
 * finishes the job.
 */
final class SandboxTeardown {

    private final SandboxService.Deps deps;
    private final RecordStore<Sandbox> store;
    private final NameRegistrar names;
    private final Supplier<PodContainers> containers;

    SandboxTeardown(SandboxService.Deps deps, RecordStore<Sandbox> store, NameRegistrar names,
                    Supplier<PodContainers> containers) {
        this.deps = deps;
        this.store = store;
        this.names = names;
        this.containers = containers;
    }

    /**
     * Stops the containers, the infra process and releases the network (CNI
     * DEL, then the netns), so that IPs and host ports are free when the RPC
     * returns (api.proto, StopPodSandbox). The network goes down while the
     * containers stop: the two do not depend on each other, and DEL is the
     * slow part. The IPC/UTS pins stay until Remove.
     */
    void stop(Sandbox s) {
        boolean releaseNet = !s.namespaces().hostNetwork() && !s.network().released();
        Branch<Void> net = releaseNet ? Branch.start("stop-net-" + s.id().substring(0, 12), () -> {
            releaseNetwork(s);
            return null;
        }) : Branch.completed(null);
        RuntimeException failure = null;
        try {
            stopProcesses(s);
            // Nothing of the pod runs any more: its shared memory goes now, as containerd frees it at Stop.
            unmountShm(s, "StopPodSandbox");
        } catch (RuntimeException e) {
            failure = e;
        }
        RuntimeException netFailure = net.failure();
        if (failure != null || netFailure != null) {
            if (failure != null && netFailure != null) {
                failure.addSuppressed(netFailure);
            }
            throw failure != null ? failure : netFailure;
        }
        if (s.state() != SandboxState.NOTREADY || releaseNet) {
            // Unsynced: were it lost with a power loss, the reboot makes the pod NOTREADY all the same.
            store.update(s.id(), r -> r.withState(SandboxState.NOTREADY)
                    .withNetwork(r.namespaces().hostNetwork() ? r.network() : r.network().asReleased()), false);
        }
    }

    /** Containers first (they record their exit), then the infra process, whose death ends its PID namespace. */
    private void stopProcesses(Sandbox s) {
        containers.get().stopAll(s.id());
        InfraProcess infra = s.namespaces().infra();
        if (infra != null) {
            step(s, "StopPodSandbox", "stop the infra process " + infra.pid(), () -> deps.infra().stop(infra));
        }
    }

    /** Idempotent; never deletes the state dir while the tmpfs is still mounted there (the step throws first). */
    private void unmountShm(Sandbox s, String rpc) {
        if (s.namespaces().ownShm()) {
            Path dir = Path.of(s.namespaces().shm());
            step(s, rpc, "unmount the pod's /dev/shm " + dir, () -> deps.namespaces().unmountShm(dir));
        }
    }

    private void releaseNetwork(Sandbox s) {
        step(s, "StopPodSandbox", "tear down the pod network (CNI DEL)", () -> deps.network().tearDown(s.id()));
        step(s, "StopPodSandbox", "remove the network namespace", () -> deps.network().removeNetns(s.id()));
    }

    /** Stops if needed, then removes containers, pins, cgroup, files, record and name. */
    void remove(Sandbox s) {
        stop(s);
        containers.get().removeAll(s.id());
        // The user namespace last: its pin may be what keeps it alive while the others go.
        for (String pin : new String[] {s.namespaces().ipc(), s.namespaces().uts(), s.namespaces().user()}) {
            if (pin != null) {
                step(s, "RemovePodSandbox", "unpin " + pin, () -> deps.namespaces().unpin(Path.of(pin)));
            }
        }
        unmountShm(s, "RemovePodSandbox");
        Path stateDir = deps.layout().stateDir(s.id());
        step(s, "RemovePodSandbox", "delete " + stateDir, () -> AtomicFiles.deleteTree(stateDir));
        step(s, "RemovePodSandbox", "remove the pod cgroup " + s.cgroup().path().value(),
                () -> deps.cgroups().remove(s.cgroup()));
        step(s, "RemovePodSandbox", "delete " + s.filesDir(), () -> AtomicFiles.deleteTree(Path.of(s.filesDir())));
        store.delete(s.id());
        names.releaseById(s.id());
    }

    /**
     * Undoes a RunPodSandbox that never finished (a CREATING record found at
     * start-up): every step of its rollback, best effort, then the record.
     */
    void discard(Sandbox s) {
        try (Rollback rb = new Rollback("recovery of pod sandbox " + s.id(), deps.cleanupTimeout())) {
            rb.add("record", () -> store.delete(s.id()));
            rb.add("files", () -> AtomicFiles.deleteTree(Path.of(s.filesDir())));
            rb.add("pod cgroup", () -> deps.cgroups().remove(s.cgroup()));
            rb.add("state dir", () -> AtomicFiles.deleteTree(deps.layout().stateDir(s.id())));
            if (s.namespaces().ownShm()) {
                rb.add("/dev/shm", () -> deps.namespaces().unmountShm(Path.of(s.namespaces().shm())));
            }
            for (String pin : new String[] {s.namespaces().user(), s.namespaces().ipc(), s.namespaces().uts()}) {
                if (pin != null) {
                    rb.add("pin " + pin, () -> deps.namespaces().unpin(Path.of(pin)));
                }
            }
            if (!s.namespaces().hostNetwork()) {
                rb.add("netns", () -> deps.network().removeNetns(s.id()));
                rb.add("CNI DEL", () -> deps.network().tearDown(s.id()));
            }
            if (s.namespaces().infra() != null) {
                rb.add("infra process", () -> deps.infra().stop(s.namespaces().infra()));
            }
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private static void step(Sandbox s, String rpc, String what, Step step) {
        try {
            step.run();
        } catch (BerthException e) {
            throw e;
        } catch (IOException e) {
            throw new InternalException(rpc + " " + s.id() + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
