package io.berth.runtime;

import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.grpc.ErrorMappingInterceptor;
import io.berth.runtime.cgroup.CgroupDriver;
import io.berth.runtime.metrics.MetricsServer;
import io.berth.runtime.metrics.RpcMetrics;
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

/** A running berthd: state directories, the CRI server and the metrics endpoint. */
public final class Daemon {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final GrpcServer server;
    private final Optional<MetricsServer> metrics;
    private final StreamServer streams;
    private final NodeServices node;

    private Daemon(GrpcServer server, Optional<MetricsServer> metrics, StreamServer streams, NodeServices node) {
        this.server = server;
        this.metrics = metrics;
        this.streams = streams;
        this.node = node;
    }

    public static Daemon start(BerthConfig config) throws StartupException, IOException {
        createPrivateDirectory(config.rootPath());
        createPrivateDirectory(config.statePath());
        CgroupDriver configured = CgroupDriver.parse(config.cgroup().driver());
        CgroupDriver driver = configured != null ? configured : CgroupDriver.detect();
        NodeServices node = NodeServices.start(config, driver);
        ContainerStreams targets = new ServiceContainerStreams(node.pods().containers(), node.pods().sandboxes());
        StreamServer streams;
        try {
            streams = startStreams(config, targets);
        } catch (StartupException | RuntimeException e) {
            node.close();
            throw e;
        }
        RuntimeContext ctx = new RuntimeContext(config, BuildInfo.load(), driver, node.networkStatus(),
                new PodCidrs(), node.pods(), streams.service(), new ServiceStreamTargets(targets));
        PrometheusRegistry registry = new PrometheusRegistry();
        GrpcServer server;
        try {
            server = GrpcServer.start(config.socketPath(), CriServices.create(ctx, node.imageService()),
                    new ErrorMappingInterceptor(new RpcMetrics(registry)));
        } catch (StartupException | IOException | RuntimeException e) {
            streams.close();
            node.close();
            throw e;
        }
        LOG.info("berthd {} serving CRI on unix://{} (pid {}, cgroup driver {})", ctx.build().version(),
                server.socket(), ProcessHandle.current().pid(), driver.configName());
        Optional<InetSocketAddress> address = config.metrics().listenAddress();
        if (address.isEmpty()) {
            return new Daemon(server, Optional.empty(), streams, node);
        }
        try {
            MetricsServer metrics = MetricsServer.start(address.get(), registry);
            LOG.info("metrics on http://{}:{}/metrics", address.get().getHostString(), metrics.port());
            return new Daemon(server, Optional.of(metrics), streams, node);
        } catch (IOException e) {
            server.shutdown(Duration.ZERO);
            streams.close();
            node.close();
            throw new StartupException("cannot serve metrics on " + config.metrics().address() + " ([metrics] "
                    + "address): " + e.getMessage(), e);
        }
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
