package io.berth.e2e.bench;

import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.RunPodSandboxRequest;
import io.berth.cri.v1.StartContainerRequest;
import java.util.List;

/**
 * Memory at rest with N pods of one sleep container each: PSS of the daemon,
 * the sum over its helpers (one shim per pod or container) and the total.
 */
final class FootprintSuite {

    private static final long SETTLE_MS = 3_000;

    private final BenchContext ctx;
    private final LifecycleSuites lifecycle;

    FootprintSuite(BenchContext ctx) {
        this.ctx = ctx;
        this.lifecycle = new LifecycleSuites(ctx);
    }

    /** Grows to each count in {@code steps} (ascending) and measures there; removes the pods after. */
    void run(List<Integer> steps) throws InterruptedException {
        int running = 0;
        try {
            for (int target : steps) {
                for (; running < target; running++) {
                    startPod();
                }
                Thread.sleep(SETTLE_MS);
                measure(target);
            }
        } finally {
            ctx.daemon.removeAllPods();
        }
    }

    private void startPod() {
        PodSandboxConfig pod = ctx.pod("fp");
        String podId = ctx.untimed("RunPodSandbox", () -> ctx.rt().runPodSandbox(
                RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId());
        String cid = ctx.untimed("CreateContainer", () -> ctx.rt().createContainer(ctx.sleeper(podId, pod))
                .getContainerId());
        ctx.untimed("StartContainer", () -> ctx.rt().startContainer(
                StartContainerRequest.newBuilder().setContainerId(cid).build()));
        lifecycle.awaitRunning(cid);
    }

    private void measure(int pods) {
        double daemon = Procs.pssKb(ctx.daemon.pid()) / 1024.0;
        List<Long> helpers = ctx.daemon.helperPids();
        double helperMb = helpers.stream().mapToLong(Procs::pssKb).sum() / 1024.0;
        String p = "footprint." + pods + "pods.";
        ctx.result.figure(p + "daemon_MB", daemon);
        ctx.result.figure(p + "helpers", helpers.size());
        ctx.result.figure(p + "helpers_MB", helperMb);
        ctx.result.figure(p + "per_helper_MB", helpers.isEmpty() ? 0 : helperMb / helpers.size());
        ctx.result.figure(p + "total_MB", daemon + helperMb);
        String detail = ctx.daemon.memoryDetail();
        if (!detail.isEmpty()) {
            System.err.printf("bench: %s at %d pods (PSS %.1f MB):%n%s%n", ctx.daemon.name, pods, daemon, detail);
        }
    }
}
