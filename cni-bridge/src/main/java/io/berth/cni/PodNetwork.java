package io.berth.cni;

import io.berth.cni.cache.CachedAttachment;
import io.berth.cni.cache.ResultCache;
import io.berth.cni.config.ConfListLoader;
import io.berth.cni.config.DefaultNetwork;
import io.berth.cni.config.NetworkConfigList;
import io.berth.cni.exec.CniExecutor;
import io.berth.cni.exec.CniPluginInvoker;
import io.berth.cni.exec.ExecPluginInvoker;
import io.berth.cni.exec.GcAttachment;
import io.berth.cni.exec.RuntimeConf;
import io.berth.cni.netns.LoopbackUp;
import io.berth.cni.netns.NetnsManager;
import io.berth.cni.spec.CniResult;
import io.berth.common.error.AlreadyExistsException;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InternalException;
import io.berth.common.exec.CommandRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sandbox code calls: attach a pod's pinned netns to the node's
 * network (lo up, then CNI ADD of the selected list), detach it (DEL with the
 * cached result, also after a restart), check it, report NetworkReady.
 *
 * Thread-safe. Calls for one sandbox are serialised (the spec forbids
 * parallel operations on one container); different sandboxes run in parallel.
 */
public final class PodNetwork {

    private static final Logger LOG = LoggerFactory.getLogger(PodNetwork.class);
    public static final String IF_NAME = "eth0";

    private final CniConfig config;
    private final CniPluginInvoker invoker;
    private final CniExecutor executor;
    private final ConfListLoader loader;
    private final ResultCache cache;
    private final LoopbackUp loopback;
    private final MasqueradeRules masquerade;
    private final ReentrantLock[] locks = new ReentrantLock[256];
    /** Answers PodSandboxStatus (polled by the kubelet) without a disk read; the cache file stays the truth. */
    private final Map<String, PodNetworkResult> known = new ConcurrentHashMap<>();

    /** Real plugins from the config's bin dirs; results cached under {@code <stateDir>/cni/results}. */
    public PodNetwork(CniConfig config, Path stateDir) {
        this(config, stateDir, new ExecPluginInvoker(config.binDirs(), CommandRunner.system()),
                LoopbackUp.inProcess());
    }

    public PodNetwork(CniConfig config, Path stateDir, CniPluginInvoker invoker, LoopbackUp loopback) {
        this(config, stateDir, invoker, loopback, new IptablesMasqueradeRules(CommandRunner.system()));
    }

    public PodNetwork(CniConfig config, Path stateDir, CniPluginInvoker invoker, LoopbackUp loopback,
                      MasqueradeRules masquerade) {
        this.config = config;
        this.loopback = loopback;
        this.masquerade = masquerade;
        this.invoker = invoker;
        this.executor = new CniExecutor(invoker, config.binDirs(), config.pluginTimeout());
        this.loader = new ConfListLoader(config.confDir());
        this.cache = new ResultCache(stateDir.resolve("cni").resolve("results"));
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    public CniExecutor executor() {
        return executor;
    }

    /** The NetworkReady condition; also writes the default network when it is due. */
    public NetworkStatus status() {
        return new NetworkReadiness(loader, invoker, executor).check(this::ensureDefault);
    }

    /**
     * ADD the pod to the network. On any failure everything done is undone
     * (the executor DELs the chain) before the error is thrown.
     *
     * @throws FailedPreconditionException when there is no usable network config
     * @throws AlreadyExistsException when the sandbox is attached already
     * @throws io.berth.cni.spec.CniPluginException naming the failing plugin and its message
     */
    public PodNetworkResult setUp(PodNetworkRequest req) {
        NetworkConfigList list = currentList();
        RuntimeConf rt = new RuntimeConf(req.sandboxId(), req.netnsPath(), IF_NAME, CniArgs.args(req),
                CniArgs.capabilities(req));
        ReentrantLock lock = lockFor(req.sandboxId());
        lock.lock();
        try {
            // Spec: no second ADD for one (network, container, ifname) without a DEL in between.
            if (!attachments(req.sandboxId()).isEmpty()) {
                throw new AlreadyExistsException("sandbox " + req.sandboxId()
                        + " is already attached to a network; tear it down first");
            }
            CachedAttachment pending = new CachedAttachment(list, rt, null);
            // Recorded before ADD: if berthd dies during ADD, tearDown still finds what to DEL.
            store(pending);
            // lo and the chain's interfaces have nothing to do with each other: lo comes up while the plugins run.
            CompletableFuture<Void> lo = bringUpLoopback(req);
            CniResult result;
            try {
                result = executor.add(list, rt);
            } catch (RuntimeException e) {
                lo.exceptionally(t -> null).join();
                forgetUnlessLeaky(pending, e);
                throw e;
            }
            awaitLoopback(lo, req, () -> undoAdd(pending, result));
            store(pending.withResult(result));
            PodNetworkResult r = toResult(list, rt, result);
            known.put(req.sandboxId(), r);
            return r;
        } finally {
            lock.unlock();
        }
    }

    /** lo holds nothing on the host and dies with the netns, so it needs no undo. */
    private CompletableFuture<Void> bringUpLoopback(PodNetworkRequest req) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name("lo-up-" + req.sandboxId()).start(() -> {
            try {
                loopback.up(Path.of(req.netnsPath()));
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    /** Waits for lo; when it failed, {@code undo} runs before the error naming the pod is thrown. */
    private static void awaitLoopback(CompletableFuture<Void> lo, PodNetworkRequest req, Runnable undo) {
        try {
            lo.join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            InternalException failure = new InternalException("sandbox " + req.sandboxId() + ": cannot bring up lo in "
                    + req.netnsPath() + ": " + cause.getMessage(), cause);
            try {
                undo.run();
            } catch (RuntimeException undoFailure) {
                failure.addSuppressed(undoFailure);
            }
            throw failure;
        }
    }

    /** DEL of a completed ADD; the record goes only when DEL worked, so that tearDown can retry. */
    private void undoAdd(CachedAttachment pending, CniResult result) {
        executor.del(pending.list(), pending.runtime(), result);
        forget(pending);
    }

    /**
     * DEL every attachment recorded for the sandbox, with the config and
     * result stored at ADD. Idempotent: an unknown or already torn down
     * sandbox is a no-op. The record goes only after DEL succeeded, so a
     * failed teardown can be retried.
     */
    public void tearDown(String sandboxId) {
        ReentrantLock lock = lockFor(sandboxId);
        lock.lock();
        try {
            for (CachedAttachment a : attachments(sandboxId)) {
                RuntimeConf rt = a.runtime();
                // Spec: DEL may omit CNI_NETNS when the namespace is gone; a leftover plain
                // file (pin unmounted after a reboot) would make plugins fail instead.
                if (!rt.netns().isEmpty() && !NetnsManager.isNamespace(Path.of(rt.netns()))) {
                    rt = new RuntimeConf(rt.containerId(), "", rt.ifName(), rt.args(), rt.capabilityArgs());
                }
                executor.del(a.list(), rt, a.result());
                if (rt.netns().isEmpty()) {
                    removeMasqueradeLeftovers(a);
                }
                forget(a);
            }
            known.remove(sandboxId);
        } finally {
            lock.unlock();
        }
    }

    /** What a plugin's DEL could not undo without the netns (see {@link MasqueradeRules}). */
    private void removeMasqueradeLeftovers(CachedAttachment a) {
        boolean masq = a.list().plugins().stream().anyMatch(p -> p.path("ipMasq").asBoolean(false));
        if (!masq) {
            return;
        }
        boolean ipv6 = a.result() != null && a.result().ips().stream().anyMatch(ip -> ip.address().contains(":"));
        try {
            masquerade.removeLeftovers(a.network(), a.runtime().containerId(), ipv6);
        } catch (IOException e) {
            throw new InternalException("sandbox " + a.runtime().containerId() + ": cannot remove the ipMasq rules of "
                    + "network " + a.network() + ": " + e.getMessage(), e);
        }
    }

    /** CHECK the sandbox's attachments against their ADD results. */
    public void check(String sandboxId) {
        ReentrantLock lock = lockFor(sandboxId);
        lock.lock();
        try {
            for (CachedAttachment a : attachments(sandboxId)) {
                if (a.result() == null) {
                    throw new FailedPreconditionException("sandbox " + sandboxId + ": CNI ADD never completed");
                }
                executor.check(a.list(), a.runtime(), a.result());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The recorded network of a sandbox (after a restart too), if ADD completed. */
    public Optional<PodNetworkResult> result(String sandboxId) {
        PodNetworkResult r = known.get(sandboxId);
        if (r != null) {
            return Optional.of(r);
        }
        Optional<PodNetworkResult> fromDisk = attachments(sandboxId).stream().filter(a -> a.result() != null)
                .findFirst().map(a -> toResult(a.list(), a.runtime(), a.result()));
        fromDisk.ifPresent(v -> known.put(sandboxId, v));
        return fromDisk;
    }

    /**
     * Drops attachments of sandboxes that no longer exist (DEL each), then
     * lets 1.1.0 plugins collect what they hold for anything else (CNI GC).
     */
    public void gc(Set<String> liveSandboxIds) {
        List<CachedAttachment> all;
        try {
            all = cache.all();
        } catch (IOException e) {
            throw new InternalException("cannot read CNI cache " + cache.dir(), e);
        }
        for (CachedAttachment a : all) {
            if (!liveSandboxIds.contains(a.runtime().containerId())) {
                try {
                    tearDown(a.runtime().containerId());
                } catch (RuntimeException e) {
                    LOG.warn("CNI GC could not release {}: {}", a.runtime().containerId(), e.getMessage());
                }
            }
        }
        loader.current().ifPresent(list -> executor.gc(list, liveSandboxIds.stream()
                .map(id -> new GcAttachment(id, IF_NAME)).toList()));
    }

    private NetworkConfigList currentList() {
        ensureDefault();
        return switch (loader.load()) {
            case ConfListLoader.Found f -> f.list();
            case ConfListLoader.Invalid i -> throw new FailedPreconditionException(i.error().getMessage());
            case ConfListLoader.Missing m -> throw new FailedPreconditionException(
                    "no CNI network config in " + m.confDir());
        };
    }

    /** Writes the embedded default network when conf_dir has none and default_network is on. */
    private void ensureDefault() {
        if (config.defaultNetwork() && loader.load() instanceof ConfListLoader.Missing) {
            try {
                Path p = DefaultNetwork.write(config.confDir());
                LOG.info("no CNI network config in {}; wrote the default network {}", config.confDir(), p);
            } catch (IOException e) {
                throw new InternalException("cannot write the default CNI network to " + config.confDir(), e);
            }
        }
    }

    private PodNetworkResult toResult(NetworkConfigList list, RuntimeConf rt, CniResult result) {
        List<String> ips = CniArgs.podIps(result, rt.ifName());
        String primary = ips.isEmpty() ? "" : ips.getFirst();
        List<String> rest = ips.isEmpty() ? List.of() : ips.subList(1, ips.size());
        return new PodNetworkResult(rt.containerId(), list.name(), rt.netns(), rt.ifName(), primary, rest, result);
    }

    private List<CachedAttachment> attachments(String sandboxId) {
        try {
            return cache.forContainer(sandboxId);
        } catch (IOException e) {
            throw new InternalException("cannot read CNI cache for sandbox " + sandboxId, e);
        }
    }

    private void store(CachedAttachment a) {
        try {
            cache.put(a);
        } catch (IOException e) {
            throw new InternalException("cannot record CNI attachment of sandbox " + a.runtime().containerId(), e);
        }
    }

    private void forget(CachedAttachment a) {
        try {
            cache.remove(a.network(), a.runtime().containerId(), a.runtime().ifName());
        } catch (IOException e) {
            throw new InternalException("cannot drop CNI record of sandbox " + a.runtime().containerId(), e);
        }
    }

    /** After a failed ADD the record stays only if the rollback DEL failed too, so tearDown retries it. */
    private void forgetUnlessLeaky(CachedAttachment pending, RuntimeException addFailure) {
        if (addFailure.getSuppressed().length == 0) {
            forget(pending);
        }
    }

    private ReentrantLock lockFor(String sandboxId) {
        return locks[Math.floorMod(sandboxId.hashCode(), locks.length)];
    }
}
