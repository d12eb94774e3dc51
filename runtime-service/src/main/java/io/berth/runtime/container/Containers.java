package io.berth.runtime.container;

import io.berth.common.exec.CommandRunner;
import io.berth.runtime.cgroup.CgroupManager;
import io.berth.runtime.config.OciRuntimeConfig;
import io.berth.runtime.container.events.ContainerEvents;
import io.berth.runtime.container.image.ContainerImages;
import io.berth.runtime.container.rootfs.OverlayRootfs;
import io.berth.runtime.container.runtime.OciRuntime;
import io.berth.runtime.container.runtime.OciRuntimes;
import io.berth.runtime.container.runtime.RuncRuntime;
import io.berth.runtime.sandbox.SandboxService;
import io.berth.runtime.shim.ExitWatcher;
import io.berth.runtime.shim.NativeShimLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds berthd's ContainerService on the real node, hooks it into the
 * sandboxes and recovers its containers: what Daemon.start calls once, after
 * {@code Sandboxes.start} and before the socket is served.
 */
public final class Containers {

    public static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(Containers.class);

    private Containers() {
    }

    /** What berthd's configuration and start-up provide. */
    public record Settings(Path root, Path state, Path shimBinary, Map<String, OciRuntimeConfig> runtimes,
                           String defaultRuntime) {
    }

    /** The runtime handlers of the {@code [runtimes.NAME]} tables, each with its own --root. */
    public static OciRuntimes runtimes(Settings s, CommandRunner commands) {
        Map<String, OciRuntime> out = new LinkedHashMap<>();
        s.runtimes().forEach((name, cfg) -> {
            String root = cfg.root().isEmpty() ? s.state().resolve("runtimes").resolve(name).toString() : cfg.root();
            List<String> args = new java.util.ArrayList<>(List.of("--root=" + root));
            args.addAll(cfg.runtimeArgs());
            out.put(name, new RuncRuntime(name, cfg.path(), args, commands));
        });
        return new OciRuntimes(out, s.defaultRuntime());
    }

    /** As below, with runtimes built from {@code s} here (tests; berthd builds them once and shares them). */
    public static ContainerService start(Settings s, SandboxService sandboxes, ContainerImages images,
                                         ContainerSpecs specs, CgroupManager cgroups, ContainerEvents events)
            throws IOException {
        return start(s, runtimes(s, CommandRunner.system()), sandboxes, images, specs, cgroups, events);
    }

    /**
     * @param runtimes the handlers of {@link #runtimes}, built once by the caller: Status, the feature
     *                 probe and the containers must all see the same objects.
     */
    public static ContainerService start(Settings s, OciRuntimes runtimes, SandboxService sandboxes,
                                         ContainerImages images, ContainerSpecs specs, CgroupManager cgroups,
                                         ContainerEvents events) throws IOException {
        ContainerLayout layout = new ContainerLayout(s.root(), s.state());
        Files.createDirectories(layout.exitDir());
        ContainerDeps deps = new ContainerDeps(layout, sandboxes::find, images, specs, new OverlayRootfs(),
                runtimes, new NativeShimLauncher(s.shimBinary()), ShimControl.SOCKET,
                new ExitWatcher(layout.exitDir()), cgroups, events, CLEANUP_TIMEOUT, KILL_WAIT);
        ContainerService svc = new ContainerService(deps);
        ContainerRecovery.Report r = svc.recover();
        sandboxes.setContainers(svc);
        LOG.info("containers recovered: {} created, {} running, {} exited, {} unknown, {} unfinished creates undone, "
                + "{} unreadable records, {} leftovers without a record removed", r.created(), r.running(),
                r.exited(), r.unknown(), r.rolledBack(), r.unreadable().size(), r.swept());
        return svc;
    }
}
