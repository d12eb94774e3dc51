package io.berth.e2e.bench;

import io.berth.cri.v1.ContainerState;
import io.berth.cri.v1.ContainerStatusRequest;
import io.berth.cri.v1.CreateContainerRequest;
import io.berth.cri.v1.ListContainersRequest;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxStatusRequest;
import io.berth.cri.v1.RemoveContainerRequest;
import io.berth.cri.v1.RemovePodSandboxRequest;
import io.berth.cri.v1.RunPodSandboxRequest;
import io.berth.cri.v1.StartContainerRequest;
import io.berth.cri.v1.StopContainerRequest;
import io.berth.cri.v1.StopPodSandboxRequest;
import java.util.function.Supplier;

/**
 * Pod and container lifecycles, one call at a time, timed per RPC; and "pod
 * from scratch", timed from RunPodSandbox until the container runs.
 */
final class LifecycleSuites {

    private final BenchContext ctx;

    LifecycleSuites(BenchContext ctx) {
        this.ctx = ctx;
    }

    /** RunPodSandbox, PodSandboxStatus, StopPodSandbox, RemovePodSandbox, {@code n} times. */
    void pods(int n, boolean measured) {
        for (int i = 0; i < n; i++) {
            PodSandboxConfig pod = ctx.pod("pod");
            String id = time(measured, "RunPodSandbox", () -> ctx.rt().runPodSandbox(
                    RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId());
            time(measured, "PodSandboxStatus", () -> ctx.rt().podSandboxStatus(
                    PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build()));
            time(measured, "StopPodSandbox", () -> ctx.rt().stopPodSandbox(
                    StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build()));
            time(measured, "RemovePodSandbox", () -> ctx.rt().removePodSandbox(
                    RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build()));
        }
    }

    /** Create, start, status, stop, remove of {@code n} sleep containers in one pod. */
    void containers(int n, boolean measured) {
        PodSandboxConfig pod = ctx.pod("ctr");
        String podId = ctx.rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
                .getPodSandboxId();
        try {
            for (int i = 0; i < n; i++) {
                CreateContainerRequest request = ctx.sleeper(podId, pod);
                String id = time(measured, "CreateContainer",
                        () -> ctx.rt().createContainer(request).getContainerId());
                time(measured, "StartContainer", () -> ctx.rt().startContainer(
                        StartContainerRequest.newBuilder().setContainerId(id).build()));
                ContainerStatusRequest status = ContainerStatusRequest.newBuilder().setContainerId(id).build();
                // Right after the start, the container's own start-up (the runtime exiting, its
                // shell and sleep exec'ing) shares the cores with the call: berthd answered in
                // ~0.6 ms in a loop but ~2 ms here, containerd 1.6 in ~1.5 ms here. The plain
                // row is timed once the container settled.
                time(measured, "ContainerStatus (at start)", () -> ctx.rt().containerStatus(status));
                BenchContext.awaitReady(pod, request);
                time(measured, "ContainerStatus", () -> ctx.rt().containerStatus(status));
                time(measured, "StopContainer", () -> ctx.rt().stopContainer(
                        StopContainerRequest.newBuilder().setContainerId(id).setTimeout(10).build()));
                time(measured, "RemoveContainer", () -> ctx.rt().removeContainer(
                        RemoveContainerRequest.newBuilder().setContainerId(id).build()));
            }
        } finally {
            removePod(podId);
        }
    }

    /**
     * ListContainers (no filter, as the kubelet's relist sends it) over {@code listed}
     * created, never started containers in one pod: each runtime holds the same
     * records, and none runs a process. {@code warmUp} untimed calls, then {@code n}.
     */
    void listContainers(int listed, int warmUp, int n) {
        PodSandboxConfig pod = ctx.pod("list");
        String podId = ctx.rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
                .getPodSandboxId();
        try {
            for (int i = 0; i < listed; i++) {
                ctx.untimed("CreateContainer", () -> ctx.rt().createContainer(ctx.sleeper(podId, pod)));
            }
            ListContainersRequest all = ListContainersRequest.getDefaultInstance();
            String op = listOp(listed);
            for (int i = 0; i < warmUp + n; i++) {
                int got = time(i >= warmUp, op, () -> ctx.rt().listContainers(all)).getContainersCount();
                if (got < listed) {
                    throw new IllegalStateException(op + " returned " + got + " containers");
                }
            }
        } finally {
            removePod(podId);
        }
    }

    /** The row of {@link #listContainers}. */
    static String listOp(int listed) {
        return "ListContainers (" + listed + ")";
    }

    /** RunPodSandbox + CreateContainer + StartContainer until the container is RUNNING, {@code n} times. */
    void podsFromScratch(int n, boolean measured) {
        for (int i = 0; i < n; i++) {
            PodSandboxConfig pod = ctx.pod("scratch");
            String[] podId = new String[1];
            time(measured, "PodFromScratch", () -> {
                podId[0] = ctx.rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
                        .getPodSandboxId();
                String cid = ctx.rt().createContainer(ctx.sleeper(podId[0], pod)).getContainerId();
                ctx.rt().startContainer(StartContainerRequest.newBuilder().setContainerId(cid).build());
                awaitRunning(cid);
                return cid;
            });
            removePod(podId[0]);
        }
    }

    void awaitRunning(String containerId) {
        long end = System.nanoTime() + 30_000_000_000L;
        while (ctx.state(containerId) != ContainerState.CONTAINER_RUNNING) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("container " + containerId + " not running after 30 s");
            }
            // A short pause: a client spinning on status would take a core from the daemon.
            sleepQuietly();
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(0, 200_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a container to run", e);
        }
    }

    void removePod(String podId) {
        if (podId == null) {
            return;
        }
        ctx.rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        ctx.rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }

    private <T> T time(boolean measured, String op, Supplier<T> call) {
        return measured ? ctx.timed(op, call) : ctx.untimed(op, call);
    }
}
