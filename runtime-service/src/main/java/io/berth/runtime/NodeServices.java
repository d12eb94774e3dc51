package io.berth.runtime;

import io.berth.cni.PodNetwork;
import io.berth.cni.exec.ExecPluginInvoker;
import io.berth.cni.netns.LoopbackUp;
import io.berth.cni.netns.NetnsManager;
import io.berth.common.exec.CommandRunner;
import io.berth.common.exec.Executables;
import io.berth.image.registry.JdkHttpTransport;
import io.berth.image.rpc.ImageServiceHandlers;
import io.berth.image.rpc.ImageServiceModule;
import io.berth.image.snapshot.OverlaySnapshotter;
import io.berth.runtime.cgroup.CgroupDriver;
import io.berth.runtime.cgroup.CgroupManager;
import io.berth.runtime.cgroup.CgroupMode;
import io.berth.runtime.cgroup.CgroupSettings;
import io.berth.runtime.cgroup.CpuRateTracker;
import io.berth.runtime.cgroup.FsCgroupManager;
import io.berth.runtime.cgroup.OomScoreAdj;
import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.container.ContainerLayout;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.container.Containers;
import io.berth.runtime.container.OciSpecs;
import io.berth.runtime.container.PodRuntime;
import io.berth.runtime.container.events.ContainerEvents;
import io.berth.runtime.container.image.StoreImages;
import io.berth.runtime.container.runtime.OciRuntimes;
import io.berth.runtime.container.stats.PodNetworkCounters;
import io.berth.runtime.container.stats.StatsCollector;
import io.berth.runtime.metrics.CniCallMetrics;
import io.berth.runtime.metrics.PullMetrics;
import io.berth.runtime.oci.Capabilities;
import io.berth.runtime.oci.HostSecurityModules;
import io.berth.runtime.oci.ProbedRuntimes;
import io.berth.runtime.oci.SpecInput;
import io.berth.runtime.rpc.NetworkStatus;
import io.berth.runtime.sandbox.SandboxService;
import io.berth.runtime.sandbox.Sandboxes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * berthd's composition root for the node-facing services: images, pod
 * networking, cgroups, sandboxes and containers, built once from the config
 * in dependency order and recovered from disk before the socket is served.
 */
final class NodeServices implements AutoCloseable {

    private final ImageServiceModule images;
    private final ImageServiceHandlers imageService;
    private final PodNetwork network;
    private final PodRuntime pods;
    private final CgroupManager cgroups;

    private NodeServices(ImageServiceModule images, PodNetwork network, PodRuntime pods, CgroupManager cgroups) {
        this.images = images;
        this.imageService = new ImageServiceHandlers(images, Clock.systemUTC());
        this.network = network;
        this.pods = pods;
        this.cgroups = cgroups;
    }

    /** {@code registry}: where the CNI plugin timings go (the daemon's /metrics). */
    static NodeServices start(BerthConfig config, CgroupDriver driver, PrometheusRegistry registry)
            throws IOException {
        Path root = config.rootPath();
        Path state = config.statePath();
        OverlaySnapshotter snapshots = new OverlaySnapshotter(root.resolve("snapshots"));
        // Until containers are loaded, every snapshot counts as used: start-up GC
        // must not free a layer a container recorded before the last shutdown.
        AtomicReference<ContainerService> containers = new AtomicReference<>();
        ImageServiceModule images = ImageServiceModule.open(new ImageServiceModule.Options(root,
                config.registry().toImage(), config.image().toImage(), snapshots, new JdkHttpTransport(),
                Clock.systemUTC(), () -> inUse(containers.get(), snapshots)));
        images.puller().listen(new PullMetrics(registry));
        try {
            io.berth.cni.CniConfig cni = config.cni().toCni();
            PodNetwork network = new PodNetwork(cni, root, new CniCallMetrics(
                    new ExecPluginInvoker(cni.binDirs(), io.berth.common.exec.CommandRunner.system()), registry),
                    LoopbackUp.inProcess());
            CgroupManager cgroups = FsCgroupManager.create(CgroupSettings.defaults().withDriver(driver));
            OomScoreAdj oom = OomScoreAdj.probe();
            Set<String> handlers = config.runtimes().keySet();
            SandboxService sandboxes = Sandboxes.start(root, state, Path.of(config.cni().netnsDir()), network,
                    cgroups, oom, handlers);
            ContainerEvents events = new ContainerEvents();
            Containers.Settings settings = new Containers.Settings(root, state, shimBinary(), config.runtimes(),
                    config.defaultRuntime());
            // Built once: the containers and Status share the same handler objects.
            OciRuntimes runtimes = Containers.runtimes(settings, CommandRunner.system());
            ProbedRuntimes probed = probe(runtimes);
            OciSpecs specs = new OciSpecs(new SpecInput.HostFacts(Capabilities.hostBounding(),
                    cgroups.mode() == CgroupMode.UNIFIED, oom.floor(), Map.of(), null,
                    new HostSecurityModules(CommandRunner.system())), probed);
            ContainerService svc = Containers.start(settings, runtimes, sandboxes,
                    new StoreImages(images.images(), images.content(), snapshots, snapshots.snapshotsDir()),
                    specs, cgroups, events);
            containers.set(svc);
            StatsCollector stats = new StatsCollector(cgroups, new CpuRateTracker(), new ContainerLayout(root, state),
                    sandboxes::find, PodNetworkCounters.netns(new NetnsManager(Path.of(config.cni().netnsDir()))));
            svc.onRemoved(stats::forget);
            PodRuntime pods = new PodRuntime(sandboxes, svc, stats, events, runtimes, probed);
            return new NodeServices(images, network, pods, cgroups);
        } catch (RuntimeException e) {
            images.close();
            throw e;
        }
    }

    /** Each handler's runtime asked once, with the same binary and --root the containers will use. */
    private static ProbedRuntimes probe(OciRuntimes runtimes) {
        Map<String, ProbedRuntimes.Binary> binaries = new java.util.LinkedHashMap<>();
        runtimes.all().forEach((name, rt) -> binaries.put(name, new ProbedRuntimes.Binary(rt.binary(),
                rt.globalArgs())));
        return ProbedRuntimes.probe(binaries, runtimes.defaultName(), CommandRunner.system());
    }

    private static Set<String> inUse(ContainerService containers, OverlaySnapshotter snapshots) {
        if (containers != null) {
            return containers.snapshotsInUse();
        }
        return snapshots.list();
    }

    /**
     * The shim binary: {@code -Dberth.shim} (bin/berthd sets it to the build's
     * copy in a checkout), else berth-shim on PATH, where deploy/install.sh puts it.
     */
    static Path shimBinary() {
        String prop = System.getProperty("berth.shim");
        if (prop != null && !prop.isEmpty()) {
            return Path.of(prop);
        }
        return Executables.onPath("berth-shim").orElse(Path.of("/usr/local/bin/berth-shim"));
    }

    ImageServiceHandlers imageService() {
        return imageService;
    }

    PodRuntime pods() {
        return pods;
    }

    ImageServiceModule images() {
        return images;
    }

    CgroupManager cgroups() {
        return cgroups;
    }

    /** NetworkReady as the CNI layer sees it at each call (config present, plugins there). */
    NetworkStatus networkStatus() {
        return () -> {
            var s = network.status();
            return new NetworkStatus.Readiness(s.ready(), s.reason(), s.message());
        };
    }

    @Override
    public void close() {
        images.close();
    }
}
