package io.berth.runtime;

import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.grpc.ErrorMappingInterceptor;
import io.berth.runtime.cgroup.CgroupDriver;
import io.berth.runtime.container.PodRuntime;
import io.berth.runtime.gc.GcMetrics;
import io.berth.runtime.gc.GcPlanner;
import io.berth.runtime.gc.PeriodicGc;
import io.berth.runtime.metrics.MetricsServer;
import io.berth.runtime.metrics.NodeMetrics;
import io.berth.runtime.metrics.RpcMetrics;
import io.berth.runtime.podmetrics.OomKills;
import io.berth.runtime.podmetrics.PodMetricsCollector;
import io.berth.runtime.rpc.BuildInfo;
import io.berth.runtime.rpc.PodCidrs;
import io.berth.runtime.rpc.RuntimeContext;
import io.berth.runtime.server.GrpcServer;
import io.berth.runtime.server.StartupException;
import io.berth.runtime.stream.StreamServer;
import io.berth.runtime.stream.runtime.ContainerStreams;
import io.berth.runtime.stream.runtime.ServiceContainerStreams;
import io.berth.runtime.stream.runtime.ServiceStreamTargets;
import io.berth.runtime.stream.runtime.ShimStreamRuntime;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running berthd: state directories, the CRI server, the metrics endpoint,
 * the periodic garbage collection, and systemd told when it is ready.
 */
public final class Daemon {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final GrpcServer server;
    private final Optional<MetricsServer> metrics;
    private final StreamServer streams;
    private final NodeServices node;
    private final Optional<PeriodicGc> gc;
    private final SdNotify notify;

    private Daemon(GrpcServer server, Optional<MetricsServer> metrics, Background bg, SdNotify notify) {
        this.server = server;
        this.metrics = metrics;
        this.streams = bg.streams();
        this.node = bg.node();
        this.gc = bg.gc();
        this.notify = notify;
    }

    /** What runs beside the CRI server and is closed with it. */
    private record Background(NodeServices node, StreamServer streams, Optional<PeriodicGc> gc) {
        void close() {
            gc.ifPresent(PeriodicGc::close);
            streams.close();
            node.close();
        }
    }

    public static Daemon start(BerthConfig config) throws StartupException, IOException {
        return start(config, SdNotify.fromEnvironment(System.getenv()));
    }

    static Daemon start(BerthConfig config, SdNotify notify) throws StartupException, IOException {
        createPrivateDirectory(config.rootPath());
        createPrivateDirectory(config.statePath());
        CgroupDriver configured = CgroupDriver.parse(config.cgroup().driver());
        CgroupDriver driver = configured != null ? configured : CgroupDriver.detect();
        PrometheusRegistry registry = new PrometheusRegistry();
        NodeServices node = NodeServices.start(config, driver, registry);
        PodRuntime pods = node.pods();
        NodeMetrics.register(registry, pods.sandboxes(), pods.containers());
        ContainerStreams targets = new ServiceContainerStreams(pods.containers(), pods.sandboxes());
        Background bg;
        try {
            bg = new Background(node, startStreams(config, targets), startGc(config, node, registry));
        } catch (StartupException | RuntimeException e) {
            node.close();
            throw e;
        }
        RuntimeContext ctx = new RuntimeContext(config, BuildInfo.load(), driver, node.networkStatus(),
                new PodCidrs(), pods, bg.streams().service(), new ServiceStreamTargets(targets),
                new PodMetricsCollector(pods.sandboxes(), pods.containers(), pods.stats(),
                        OomKills.cgroups(node.cgroups())));
        GrpcServer server;
        try {
            server = GrpcServer.start(config.socketPath(), CriServices.create(ctx, node.imageService()),
                    new ErrorMappingInterceptor(new RpcMetrics(registry)));
        } catch (StartupException | IOException | RuntimeException e) {
            bg.close();
            throw e;
        }
        LOG.info("berthd {} serving CRI on unix://{} (pid {}, cgroup driver {})", ctx.build().version(),
                server.socket(), ProcessHandle.current().pid(), driver.configName());
        Daemon daemon = new Daemon(server, startMetrics(config, registry, server, bg), bg, notify);
        notify.ready();
        return daemon;
    }

    private static Optional<MetricsServer> startMetrics(BerthConfig config, PrometheusRegistry registry,
                                                        GrpcServer server, Background bg) throws StartupException {
        Optional<InetSocketAddress> address = config.metrics().listenAddress();
        if (address.isEmpty()) {
            return Optional.empty();
        }
        try {
            MetricsServer metrics = MetricsServer.start(address.get(), registry);
            LOG.info("metrics on http://{}:{}/metrics", address.get().getHostString(), metrics.port());
            return Optional.of(metrics);
        } catch (IOException e) {
            server.shutdown(Duration.ZERO);
            bg.close();
            throw new StartupException("cannot serve metrics on " + config.metrics().address() + " ([metrics] "
                    + "address): " + e.getMessage(), e);
        }
    }

    private static Optional<PeriodicGc> startGc(BerthConfig config, NodeServices node, PrometheusRegistry registry) {
        var images = node.images();
        GcMetrics metrics = new GcMetrics(registry);
        return config.image().gcEvery().map(every -> new PeriodicGc(images.gc(),
                new GcPlanner(images.images(), images.content(), images.snapshots()), images.content(),
                images.snapshots(), node.pods().containers()::snapshotsInUse, metrics).every(every));
    }

    public Path socket() {
        return server.socket();
    }

    /** The bound metrics port, if metrics are on. */
    public Optional<Integer> metricsPort() {
        return metrics.map(MetricsServer::port);
    }

    /** Graceful stop: in-flight RPCs get up to {@code grace}, then the socket is removed. */
    public void stop(Duration grace) {
        notify.stopping();
        gc.ifPresent(PeriodicGc::close);
        server.shutdown(grace);
        metrics.ifPresent(MetricsServer::close);
        streams.close();
        node.close();
    }

    private static StreamServer startStreams(BerthConfig config, ContainerStreams targets) throws StartupException {
        try {
            return new StreamServer(config.stream(), new ShimStreamRuntime(targets)).start();
        } catch (IOException e) {
            throw new StartupException("cannot serve streams on " + config.stream().address() + ":"
                    + config.stream().port() + " ([stream]): " + e.getMessage(), e);
        }
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            // Others may traverse (mounts below are looked up by path) but not list.
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx--x--x")));
        }
    }
}
