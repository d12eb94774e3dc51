package io.berth.runtime.sandbox;

import io.berth.cni.PodDns;
import io.berth.cni.PodNetworkRequest;
import io.berth.common.error.BerthException;
import io.berth.common.error.InternalException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.fs.AtomicFiles;
import io.berth.cri.v1.DNSConfig;
import io.berth.runtime.cgroup.PodCgroup;
import io.berth.runtime.store.IdGenerator;
import io.berth.runtime.store.NameRegistrar;
import io.berth.runtime.store.RecordStore;
import io.berth.runtime.store.Rollback;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * RunPodSandbox's steps, each registered with a rollback before or right after
 * it runs, so that a failure anywhere leaves no name, record, cgroup, pin,
 * netns, IP, infra process or file behind (issue 5, "Rollback").
 */
final class SandboxCreator {

    /** kubelet's own value for the pod's infra: least likely to be OOM-killed. */
    static final int INFRA_OOM_SCORE_ADJ = -998;

    /** /dev/shm size when nothing asks otherwise: 64 MiB, as Docker and containerd give it. */
    static final long SHM_SIZE = 64L * 1024 * 1024;

    private final SandboxService.Deps deps;
    private final RecordStore<Sandbox> store;
    private final NameRegistrar names;
    private final Function<String, Object> lockFor;

    SandboxCreator(SandboxService.Deps deps, RecordStore<Sandbox> store, NameRegistrar names,
                   Function<String, Object> lockFor) {
        this.deps = deps;
        this.store = store;
        this.names = names;
        this.lockFor = lockFor;
    }

    Sandbox run(RunPlan plan) {
        String id = IdGenerator.newId();
        names.reserve(plan.metadata().reservedName(), id);
        synchronized (lockFor.apply(id)) {
            try (Rollback rb = new Rollback("RunPodSandbox " + plan.metadata().reservedName() + " (" + id + ")",
                    deps.cleanupTimeout())) {
                // Added first, so undone last: the name is free the moment the RPC fails.
                rb.add("name", () -> names.releaseById(id));
                Sandbox ready = create(id, plan, rb);
                rb.commit();
                return ready;
            }
        }
    }

    private Sandbox create(String id, RunPlan plan, Rollback rb) {
        // The CREATING record goes first so that start-up recovery can undo a
        // RunPodSandbox that a kill -9 interrupted.
        rb.add("record", () -> store.delete(id));
        // Unsynced: it must outlive a kill -9 of berthd, which keeps the page cache; after a
        // power loss the node reboots, and a reboot leaves nothing in the state dir to undo.
        store.create(planned(id, plan), false);
        Sandbox rec = store.get(id).orElseThrow();
        // A pod's own user namespace comes first: its net, IPC and UTS namespaces are made inside it.
        InfraProcess userns = plan.userns() == null ? null : startUserNamespace(rec, plan, rb);
        // The network (netns, CNI ADD: the slow part) comes up while this thread makes the rest;
        // the two branches share nothing but the rollback.
        Branch<SandboxNetwork> network = Branch.start("run-net-" + id.substring(0, 12),
                () -> network(rec, plan, userns, rb));
        Sandbox local;
        try {
            local = local(rec, plan, userns, rb);
        } catch (RuntimeException e) {
            // Wait for the other branch, so that its undo steps are registered before the rollback runs.
            RuntimeException other = network.failure();
            if (other != null) {
                e.addSuppressed(other);
            }
            throw e;
        }
        RuntimeException failed = network.failure();
        if (failed != null) {
            throw failed;
        }
        SandboxNetwork net = network.result();
        if (userns != null && !plan.sharedPid()) {
            // It only made the namespaces, which live on in their pins.
            step(rec, "stop the user namespace's first process", () -> deps.infra().stop(userns));
            local = local.withNamespaces(local.namespaces().withInfra(null));
        }
        step(rec, "write resolv.conf, hostname and hosts", () -> writeFiles(rec, plan, net, rb));
        Sandbox ready = local.withNetwork(net).withState(SandboxState.READY);
        // Synced: after a power loss the pod must still be known, NOTREADY and removable.
        return store.update(id, r -> ready, true);
    }

    /** Cgroup, IPC/UTS pins (made with the user namespace when the pod has one), IPC sysctls, infra process. */
    private Sandbox local(Sandbox rec, RunPlan plan, InfraProcess userns, Rollback rb) {
        Sandbox withCgroup = createCgroup(rec, plan, rb);
        if (userns == null) {
            step(rec, "pin the IPC and UTS namespaces", () -> pinNamespaces(rec, plan, rb));
        }
        step(rec, "apply sysctls", () -> applySysctls(rec, plan, NamespaceKind.IPC));
        step(rec, "mount the pod's /dev/shm", () -> mountShm(rec, rb));
        if (!plan.sharedPid()) {
            return withCgroup;
        }
        return userns == null ? startInfra(withCgroup, rb) : adoptInfra(withCgroup, userns);
    }

    /** Netns (the infra's own when the pod has a user namespace), net sysctls, CNI ADD. */
    private SandboxNetwork network(Sandbox rec, RunPlan plan, InfraProcess userns, Rollback rb) {
        step(rec, "create the network namespace", () -> createNetns(rec, userns, rb));
        step(rec, "apply sysctls", () -> applySysctls(rec, plan, NamespaceKind.NET));
        return attach(rec, plan, rb);
    }

    /** The CREATING record: every path is planned now, before anything exists. */
    private Sandbox planned(String id, RunPlan plan) {
        SandboxLayout l = deps.layout();
        String netns = plan.hostNetwork() ? null : deps.network().netnsPath(id).toString();
        String ipc = plan.hostIpc() ? null : l.pin(id, NamespaceKind.IPC).toString();
        // Host-network pods keep the node's hostname, so its UTS namespace too.
        String uts = plan.hostNetwork() ? null : l.pin(id, NamespaceKind.UTS).toString();
        String shm = plan.hostIpc() ? SandboxNamespaces.HOST_SHM : l.shm(id).toString();
        String user = plan.userns() == null ? null : l.pin(id, NamespaceKind.USER).toString();
        PodCgroup cgroup = deps.cgroups().plan(cgroupRequest(id, plan));
        return new Sandbox(id, plan.metadata(), SandboxState.CREATING, wallClockNanos(), plan.runtimeHandler(),
                plan.config().getLabelsMap(), plan.config().getAnnotationsMap(),
                new SandboxNamespaces(netns, ipc, uts, plan.pidMode(), null, shm, user), SandboxNetwork.none(), cgroup,
                l.filesDir(id).toString(), plan.config().toByteArray());
    }

    /** Returns the record with the created cgroup, persisted when berth made it (so recovery removes it). */
    private Sandbox createCgroup(Sandbox rec, RunPlan plan, Rollback rb) {
        PodCgroup[] made = new PodCgroup[1];
        step(rec, "create the pod cgroup", () -> {
            made[0] = deps.cgroups().create(cgroupRequest(rec.id(), plan));
            rb.add("pod cgroup " + made[0].path().value(), () -> deps.cgroups().remove(made[0]));
        });
        Sandbox next = rec.withCgroup(made[0]);
        // Onto the stored record: it may already name a user namespace's infra process for recovery.
        return made[0].createdByBerth() ? store.update(rec.id(), r -> r.withCgroup(made[0]), false) : next;
    }

    private void pinNamespaces(Sandbox rec, RunPlan plan, Rollback rb) throws IOException {
        Path stateDir = deps.layout().stateDir(rec.id());
        rb.add("state dir " + stateDir, () -> AtomicFiles.deleteTree(stateDir));
        SandboxNamespaces ns = rec.namespaces();
        if (ns.ipc() == null && ns.uts() == null) {
            return;
        }
        Path ipc = ns.ipc() == null ? null : Path.of(ns.ipc());
        Path uts = ns.uts() == null ? null : Path.of(ns.uts());
        rb.add("namespace pins", () -> {
            if (ipc != null) {
                deps.namespaces().unpin(ipc);
            }
            if (uts != null) {
                deps.namespaces().unpin(uts);
            }
        });
        deps.namespaces().createPinned(new PodNamespaces.PinRequest(ipc, uts, plan.hostname()));
    }

    /** The pod's /dev/shm, inside the state dir whose undo is registered already (and runs after this one). */
    private void mountShm(Sandbox rec, Rollback rb) throws IOException {
        SandboxNamespaces ns = rec.namespaces();
        if (!ns.ownShm()) {
            return;
        }
        Path dir = Path.of(ns.shm());
        rb.add("/dev/shm " + dir, () -> deps.namespaces().unmountShm(dir));
        deps.namespaces().mountShm(dir, SHM_SIZE);
    }

    private void createNetns(Sandbox rec, InfraProcess userns, Rollback rb) throws IOException {
        if (rec.namespaces().hostNetwork()) {
            return;
        }
        rb.add("netns " + rec.namespaces().netns(), () -> deps.network().removeNetns(rec.id()));
        if (userns != null) {
            deps.network().adoptNetns(rec.id(), userns.pid());
        } else {
            deps.network().createNetns(rec.id());
        }
    }

    /**
     * The infra process with the pod's user namespace and, inside it, the net,
     * IPC, UTS (and shared PID) namespaces; the user, IPC and UTS ones are
     * pinned here, the netns by the network branch. Its undo is registered
     * before the pins', so it runs after them.
     */
    private InfraProcess startUserNamespace(Sandbox rec, RunPlan plan, Rollback rb) {
        InfraProcess[] started = new InfraProcess[1];
        step(rec, "create the pod's user namespace", () -> {
            Path stateDir = deps.layout().stateDir(rec.id());
            rb.add("state dir " + stateDir, () -> AtomicFiles.deleteTree(stateDir));
            started[0] = deps.infra().startInUserNamespace(rec.id(), plan.userns(), plan.sharedPid());
            rb.add("infra process " + started[0].pid(), () -> deps.infra().stop(started[0]));
            // Recorded at once, even when it only makes the namespaces: after a kill -9 from here on,
            // start-up recovery stops it with the rest (a non-shared one leaves the record when stopped).
            store.update(rec.id(), r -> r.withNamespaces(r.namespaces().withInfra(started[0])), false);
            SandboxNamespaces ns = rec.namespaces();
            Path user = Path.of(ns.user());
            Path ipc = Path.of(ns.ipc());
            Path uts = Path.of(ns.uts());
            rb.add("namespace pins", () -> {
                deps.namespaces().unpin(uts);
                deps.namespaces().unpin(ipc);
                deps.namespaces().unpin(user);
            });
            deps.namespaces().adoptPinned(new PodNamespaces.AdoptRequest(started[0].pid(), user, ipc, uts,
                    plan.hostname()));
        });
        return started[0];
    }

    private void applySysctls(Sandbox rec, RunPlan plan, NamespaceKind kind) throws IOException {
        Map<String, String> sysctls = plan.sysctls().get(kind);
        if (sysctls == null || sysctls.isEmpty()) {
            return;
        }
        String pin = kind == NamespaceKind.NET ? rec.namespaces().netns() : rec.namespaces().ipc();
        try {
            deps.namespaces().writeSysctls(Path.of(pin), kind, sysctls,
                    plan.userns() == null ? 0 : plan.userns().uid().hostId());
        } catch (PodNamespaces.SysctlRejectedException r) {
            throw new InvalidArgumentException("pod sandbox " + plan.metadata().reservedName() + " ("
                    + kind.procName() + " namespace): " + r.getMessage(), r);
        }
    }

    private Sandbox startInfra(Sandbox rec, Rollback rb) {
        InfraProcess[] started = new InfraProcess[1];
        step(rec, "start the infra process", () -> {
            started[0] = deps.infra().start(rec.id());
            rb.add("infra process " + started[0].pid(), () -> deps.infra().stop(started[0]));
            deps.cgroups().addProcess(rec.cgroup(), started[0].pid());
            deps.cgroups().setOomScoreAdj(started[0].pid(), INFRA_OOM_SCORE_ADJ);
        });
        // Recorded at once: the infra process is the one resource whose id is not planned.
        Sandbox next = rec.withNamespaces(rec.namespaces().withInfra(started[0]));
        return store.update(rec.id(), r -> next, false);
    }

    /** The user namespace's first process is the pod's infra: into the pod cgroup with it, and recorded. */
    private Sandbox adoptInfra(Sandbox rec, InfraProcess infra) {
        step(rec, "move the infra process into the pod cgroup", () -> {
            deps.cgroups().addProcess(rec.cgroup(), infra.pid());
            deps.cgroups().setOomScoreAdj(infra.pid(), INFRA_OOM_SCORE_ADJ);
        });
        Sandbox next = rec.withNamespaces(rec.namespaces().withInfra(infra));
        return store.update(rec.id(), r -> next, false);
    }

    private SandboxNetwork attach(Sandbox rec, RunPlan plan, Rollback rb) {
        if (rec.namespaces().hostNetwork()) {
            return SandboxNetwork.none();
        }
        SandboxNetworking.Attachment[] a = new SandboxNetworking.Attachment[1];
        // DEL before ADD's outcome is known: a failed ADD may have left a veth or a lease.
        rb.add("CNI DEL", () -> deps.network().tearDown(rec.id()));
        step(rec, "set up the pod network (CNI ADD)",
                () -> a[0] = deps.network().setUp(networkRequest(rec, plan)));
        return new SandboxNetwork(a[0].ip(), a[0].additionalIps(), a[0].resultJson(), false);
    }

    private void writeFiles(Sandbox rec, RunPlan plan, SandboxNetwork net, Rollback rb) throws IOException {
        Path dir = Path.of(rec.filesDir());
        rb.add("files " + dir, () -> AtomicFiles.deleteTree(dir));
        String hostname = plan.hostNetwork() ? HostInfo.hostname() : plan.hostname();
        deps.files().write(dir, new PodFiles.Content(plan.config().getDnsConfig(), hostname, net.ip(),
                plan.hostNetwork()));
    }

    static PodNetworkRequest networkRequest(Sandbox rec, RunPlan plan) {
        SandboxMetadata md = rec.metadata();
        DNSConfig dns = plan.config().getDnsConfig();
        return new PodNetworkRequest(rec.id(), md.name(), md.namespace(), md.uid(), rec.namespaces().netns(),
                plan.portMappings(), new PodDns(dns.getServersList(), dns.getSearchesList(), dns.getOptionsList()),
                plan.config().getAnnotationsMap(), List.of());
    }

    static PodCgroups.Request cgroupRequest(String id, RunPlan plan) {
        var lx = plan.config().getLinux();
        return new PodCgroups.Request(lx.getCgroupParent(), id,
                lx.hasOverhead() ? lx.getOverhead() : null, lx.hasResources() ? lx.getResources() : null);
    }

    private static long wallClockNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** One OS step: domain errors pass through, I/O failures become Internal naming the pod and step. */
    private interface Step {
        void run() throws IOException;
    }

    private static void step(Sandbox rec, String what, Step s) {
        try {
            s.run();
        } catch (BerthException e) {
            throw e;
        } catch (IOException e) {
            throw new InternalException("RunPodSandbox " + rec.metadata().reservedName() + " (" + rec.id()
                    + "): cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
