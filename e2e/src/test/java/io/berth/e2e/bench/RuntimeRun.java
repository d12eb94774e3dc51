package io.berth.e2e.bench;

import io.berth.cri.v1.VersionRequest;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs every suite against one started runtime. A suite that hits an RPC the
 * runtime does not serve (UNIMPLEMENTED) or fails is recorded as n/a with the
 * reason, its pods are removed, and the next suite runs.
 */
final class RuntimeRun {

    static final List<String> CLIENT_OPS = List.of("Version");
    /** Enough calls for the client's JIT to compile the gRPC, Netty and protobuf paths it uses for every call. */
    private static final int CLIENT_WARM_UP = 3_000;
    private static final int CLIENT_SAMPLES = 300;
    static final List<String> IMAGE_OPS = List.of("PullImage", "ImageStatus", "ListImages", "RemoveImage");
    static final List<String> POD_OPS = List.of("RunPodSandbox", "PodSandboxStatus", "StopPodSandbox",
            "RemovePodSandbox");
    static final List<String> CONTAINER_OPS = List.of("CreateContainer", "StartContainer",
            "ContainerStatus (at start)", "ContainerStatus", "StopContainer", "RemoveContainer");
    /** The default count's row, for the table's order; another count's row sorts last. */
    static final List<String> LIST_OPS = List.of(LifecycleSuites.listOp(500));
    static final List<String> SCRATCH_OPS = List.of("PodFromScratch");
    static final List<String> BIG_PULL_OPS = List.of("PullImage (big)");
    static final List<String> FOOTPRINT_OPS = List.of("footprint");

    /** A suite body that may throw. */
    interface Body {
        void run() throws Exception;
    }

    private RuntimeRun() {
    }

    static RuntimeResult run(BenchContext ctx, BenchOptions o, String pauseImage) {
        RuntimeResult r = ctx.result;
        r.figure("loadavg_1m.start", loadAverage());
        LifecycleSuites lifecycle = new LifecycleSuites(ctx);
        ImageSuites images = new ImageSuites(ctx);
        // Untimed: containerd's first sandbox would otherwise include the pause image pull.
        suite(ctx, "prepare", List.of("prepare"), () -> {
            if (pauseImage != null) {
                ctx.untimed("PullImage", () -> { ctx.pull(pauseImage); return null; });
            }
        });
        suite(ctx, "client", CLIENT_OPS, () -> clientFloor(ctx));
        if (o.suites().contains("images")) {
            suite(ctx, "images", IMAGE_OPS, () -> images.images(o.images()));
        }
        if (o.suites().contains("pods")) {
            suite(ctx, "pods", POD_OPS, () -> {
                lifecycle.pods(o.warmUp(), false);
                lifecycle.pods(o.pods(), true);
            });
        }
        if (o.suites().contains("containers")) {
            suite(ctx, "containers", CONTAINER_OPS, () -> {
                ctx.untimed("PullImage", () -> { ctx.pull(ctx.busyboxImage); return null; });
                lifecycle.containers(o.warmUp(), false);
                lifecycle.containers(o.containers(), true);
            });
        }
        if (o.suites().contains("list")) {
            suite(ctx, "list", List.of(LifecycleSuites.listOp(o.listed())), () -> {
                ctx.untimed("PullImage", () -> { ctx.pull(ctx.busyboxImage); return null; });
                lifecycle.listContainers(o.listed(), o.warmUp() * 10, o.containers());
            });
        }
        if (o.suites().contains("scratch")) {
            suite(ctx, "scratch", SCRATCH_OPS, () -> {
                ctx.untimed("PullImage", () -> { ctx.pull(ctx.busyboxImage); return null; });
                lifecycle.podsFromScratch(o.warmUp(), false);
                lifecycle.podsFromScratch(o.scratch(), true);
            });
        }
        if (o.suites().contains("footprint")) {
            suite(ctx, "footprint", FOOTPRINT_OPS, () -> {
                ctx.untimed("PullImage", () -> { ctx.pull(ctx.busyboxImage); return null; });
                new FootprintSuite(ctx).run(o.footprintSteps());
            });
        }
        if (o.suites().contains("throughput")) {
            suite(ctx, "throughput", BIG_PULL_OPS, () -> images.throughput(o.bigPulls()));
        }
        r.figure("loadavg_1m.end", loadAverage());
        return r;
    }

    /**
     * Warms the client up (its JIT), then times Version: the cost of one call
     * through this client and transport, which every other row includes.
     */
    private static void clientFloor(BenchContext ctx) {
        VersionRequest request = VersionRequest.newBuilder().setVersion("v1").build();
        for (int i = 0; i < CLIENT_WARM_UP; i++) {
            ctx.untimed("Version", () -> ctx.rt().version(request));
        }
        for (int i = 0; i < CLIENT_SAMPLES; i++) {
            ctx.timed("Version", () -> ctx.rt().version(request));
        }
    }

    private static void suite(BenchContext ctx, String name, List<String> ops, Body body) {
        System.err.printf("bench: %s: %s (load %.2f)%n", ctx.daemon.name, name, loadAverage());
        try {
            body.run();
        } catch (BenchContext.OpFailed e) {
            String why = e.code == Status.Code.UNIMPLEMENTED ? "n/a (UNIMPLEMENTED: " + e.op + ")"
                    : "error in " + e.op + ": " + e.code + " " + e.getCause().getMessage();
            markMissing(ctx, ops, why);
        } catch (Exception e) {
            markMissing(ctx, ops, "error: " + e);
        }
        try {
            ctx.daemon.removeAllPods();
        } catch (RuntimeException e) {
            System.err.println("bench: " + ctx.daemon.name + ": cleaning pods after " + name + ": " + e);
        }
    }

    private static void markMissing(BenchContext ctx, List<String> ops, String why) {
        System.err.println("bench: " + ctx.daemon.name + ": " + why);
        for (String op : ops) {
            Samples s = ctx.result.latencies.get(op);
            ctx.result.markMissing(op, why);
            if (s != null) {
                // Partial samples of a failed suite would compare unlike with like.
                ctx.result.latencies.remove(op);
            }
        }
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }
}
