package io.berth.e2e.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What all runtimes share in one run: the images, the loopback registry that
 * serves them, the cgroup parent, and the host state before the run (to
 * report what a runtime left behind). Closing it removes all of that.
 */
final class BenchRig implements AutoCloseable {

    static final Path RUNC = Path.of("/usr/sbin/runc");
    private static final Path CNI_BIN = Path.of("/usr/lib/cni");

    private final BenchOptions options;
    private final String runId;
    private final Path work;
    private final String cgroupParent;
    private final Set<String> netnsBefore;
    private LoopbackRegistry registry;
    private ImageFactory.Image busybox;
    private ImageFactory.Image pause;
    private ImageFactory.Image big;

    private BenchRig(BenchOptions options, String runId, Path work) {
        this.options = options;
        this.runId = runId;
        this.work = work;
        this.cgroupParent = "/berthbench-" + runId;
        this.netnsBefore = new TreeSet<>(HostCleanup.netns());
    }

    static BenchRig start(BenchOptions o, String runId, Path work) throws Exception {
        BenchRig rig = new BenchRig(o, runId, work);
        Cleanups.register(rig);
        try {
            System.err.println("bench: building images under " + work);
            ImageFactory f = new ImageFactory(work.resolve("blobs"));
            rig.busybox = f.busybox("bench/busybox");
            rig.pause = f.pause("bench/pause", PauseBinary.build(work.resolve("pause")));
            rig.big = f.big("bench/big", o.bigLayers(), o.bigMb());
            rig.registry = LoopbackRegistry.start(work.resolve("registry"));
            for (ImageFactory.Image i : List.of(rig.busybox, rig.pause, rig.big)) {
                rig.registry.push(i);
            }
            System.err.printf("bench: registry %s serves busybox, pause and big (%d layers, %.1f MB gzip)%n",
                    rig.registry.host(), rig.big.layers().size(), rig.big.compressedBytes() / 1e6);
            return rig;
        } catch (Exception e) {
            rig.close();
            throw e;
        }
    }

    /**
     * Starts the runtime called {@code name}, runs every suite, stops it and removes what it left.
     * {@code label} names this run in the table ({@code berthd#2} for a runtime's second round) and,
     * path-safe, its directory, cgroup and kept log, so that rounds share nothing.
     */
    RuntimeResult measure(String name, String label, int index) throws Exception {
        String own = label.replace('#', '-');
        Path dir = work.resolve(own);
        BenchNetwork net = BenchNetwork.create(runId, index, dir);
        ContainerdDaemon.Setup setup = new ContainerdDaemon.Setup(registry.host(), registry.reference(pause), RUNC,
                net.confDir(), CNI_BIN);
        Optional<ManagedDaemon> made = daemon(name, dir, setup);
        if (made.isEmpty()) {
            RuntimeResult r = new RuntimeResult(label, "not installed");
            r.markMissing("all", "n/a (not installed)");
            return r;
        }
        ManagedDaemon d = made.get();
        RuntimeResult result;
        try {
            d.start();
            result = new RuntimeResult(label, d.version());
            BenchContext ctx = new BenchContext(d, result, registry.reference(busybox), registry.reference(big),
                    big.compressedBytes(), cgroupParent + "/" + own.replace('.', '_'));
            RuntimeRun.run(ctx, options, d instanceof ContainerdDaemon ? registry.reference(pause) : null);
        } catch (Exception e) {
            System.err.println("bench: " + label + " failed to start: " + e.getMessage());
            result = new RuntimeResult(label, "did not start");
            result.markMissing("all", "error: did not start: " + e.getMessage().lines().findFirst().orElse(""));
        } finally {
            d.close();
            keepLog(d, own);
            afterRuntime(label, net);
        }
        return result;
    }

    private Optional<ManagedDaemon> daemon(String name, Path dir, ContainerdDaemon.Setup setup) throws Exception {
        if (name.equals("berthd")) {
            return Optional.of(new BerthDaemon(options.repo(), dir, setup));
        }
        for (ContainerdDaemon.Build b : ContainerdDaemon.available(options.forky())) {
            if (b.label().equals(name)) {
                return Optional.of(new ContainerdDaemon(b, dir, setup));
            }
        }
        return Optional.empty();
    }

    private void keepLog(ManagedDaemon d, String own) {
        try {
            Path logs = Files.createDirectories(options.out().resolve("logs"));
            Path log = d.dir.resolve("daemon.log");
            if (Files.exists(log)) {
                Files.copy(log, logs.resolve(own + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (Exception e) {
            System.err.println("bench: keeping the log of " + d.name + ": " + e);
        }
    }

    /** The runtime removed its pods through CNI DEL; whatever still carries its names is a leak, removed here. */
    private void afterRuntime(String label, BenchNetwork net) throws Exception {
        List<String> leaks = new ArrayList<>();
        HostCleanup.removeIptablesRulesWith(net.name()).forEach(r -> leaks.add("iptables rule " + r));
        HostCleanup.removeIptablesRulesWith(net.bridge()).forEach(r -> leaks.add("iptables rule " + r));
        HostCleanup.removeIptablesRulesWith(net.subnetPrefix()).forEach(r -> leaks.add("iptables rule " + r));
        HostCleanup.removeCgroups(cgroupParent + "/" + label.replace('#', '-').replace('.', '_'))
                .forEach(c -> leaks.add("cgroup still busy " + c));
        // The bridge itself stays after CNI DEL by design (the plugin never deletes it); ours goes now.
        HostCleanup.removeLink(net.bridge());
        Set<String> newNetns = new TreeSet<>(HostCleanup.netns());
        newNetns.removeAll(netnsBefore);
        if (!newNetns.isEmpty()) {
            System.err.println("bench: " + label + ": netns that appeared during the run (maybe other people's): "
                    + newNetns);
        }
        leaks.forEach(l -> System.err.println("bench: " + label + " left: " + l));
        if (leaks.isEmpty()) {
            System.err.println("bench: " + label + " left no iptables rule, cgroup or bridge behind");
        }
    }

    @Override
    public void close() throws Exception {
        Cleanups.unregister(this);
        if (registry != null) {
            registry.close();
        }
        List<String> busy = HostCleanup.removeCgroups(cgroupParent);
        busy.forEach(c -> System.err.println("bench: cgroup could not be removed: " + c));
        HostCleanup.unmountUnder(work);
    }
}
