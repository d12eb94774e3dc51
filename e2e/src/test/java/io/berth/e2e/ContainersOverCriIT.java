package io.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.ContainerEventResponse;
import io.berth.cri.v1.ContainerEventType;
import io.berth.cri.v1.ContainerFilter;
import io.berth.cri.v1.ContainerState;
import io.berth.cri.v1.ContainerStateValue;
import io.berth.cri.v1.ContainerStatsRequest;
import io.berth.cri.v1.ContainerStatus;
import io.berth.cri.v1.ExecSyncRequest;
import io.berth.cri.v1.ExecSyncResponse;
import io.berth.cri.v1.GetEventsRequest;
import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.ListContainersRequest;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.RemoveContainerRequest;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.Signal;
import io.berth.cri.v1.StopContainerRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container lifecycle through a real berthd over the CRI's gRPC wire, as a
 * kubelet drives it: exit codes and reasons, stop signals and escalation,
 * ExecSync with its timeout and output cap, events to two streaming
 * subscribers, stats that move, and bad input answered with the right code
 * leaving nothing behind.
 */
class ContainersOverCriIT {

    static E2eNode node;
    static PodSandboxConfig pod;
    static String podId;

    @BeforeAll
    static void setUp() throws Exception {
        node = new E2eNode();
        pod = node.pod("life");
        podId = node.runPod(pod);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void exitCodesReasonsAndListFilters() throws Exception {
        String failed = node.run(podId, pod, node.container("fails", "exit 3").putLabels("case", "exit"));
        String ok = node.run(podId, pod, node.container("succeeds", "true").putLabels("case", "exit"));
        ContainerStatus f = awaitExited(failed);
        assertEquals(3, f.getExitCode());
        assertEquals("Error", f.getReason());
        assertTrue(f.getFinishedAt() >= f.getStartedAt() && f.getStartedAt() >= f.getCreatedAt());
        assertEquals("Completed", awaitExited(ok).getReason());
        var exited = node.berthd.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter
                .newBuilder().setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_EXITED))
                .putLabelSelector("case", "exit")).build()).getContainersList();
        assertEquals(List.of(failed, ok).stream().sorted().toList(),
                exited.stream().map(c -> c.getId()).sorted().toList());
        var byPrefix = node.berthd.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(
                ContainerFilter.newBuilder().setId(failed.substring(0, 12))).build()).getContainersList();
        assertEquals(failed, byPrefix.get(0).getId());
        remove(failed);
        remove(ok);
    }

    @Test
    void stopUsesTheContainersSignalThenEscalatesAfterTheTimeout() throws Exception {
        String quit = node.run(podId, pod, node.container("quit", "trap 'exit 42' QUIT; while true; do sleep 0.1; done")
                .setStopSignal(Signal.SIGQUIT));
        String stubborn = node.run(podId, pod, node.container("stubborn", "trap '' TERM; while true; do sleep 0.1; done"));
        Thread.sleep(300); // let the shells install their traps
        stop(quit, 10);
        assertEquals(42, node.status(quit).getExitCode());
        long t0 = System.nanoTime();
        stop(stubborn, 1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(137, node.status(stubborn).getExitCode());
        assertTrue(ms >= 1000 && ms < 15_000, "a second of grace, then SIGKILL: " + ms + " ms");
        stop(stubborn, 1); // idempotent
        remove(quit);
        remove(stubborn);
    }

    @Test
    void execSyncGivesOutputAndCodeKillsTheTreeOnTimeoutAndCapsOutput() throws Exception {
        String id = node.run(podId, pod, node.container("execd", "sleep 100000"));
        ExecSyncResponse r = exec(id, 10, "echo out; echo err >&2; exit 5");
        assertEquals("out\n", r.getStdout().toString(StandardCharsets.UTF_8));
        assertEquals("err\n", r.getStderr().toString(StandardCharsets.UTF_8));
        assertEquals(5, r.getExitCode());
        StatusRuntimeException timeout = assertThrows(StatusRuntimeException.class,
                () -> exec(id, 1, "sleep 777 & sleep 778"));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, timeout.getStatus().getCode());
        String procs = exec(id, 10, "ps -o args").getStdout().toString(StandardCharsets.UTF_8);
        assertFalse(procs.contains("sleep 777") || procs.contains("sleep 778"), "the exec's tree is gone: " + procs);
        StatusRuntimeException big = assertThrows(StatusRuntimeException.class,
                () -> exec(id, 30, "head -c 17000000 /dev/zero"));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, big.getStatus().getCode());
        assertTrue(big.getStatus().getDescription().contains(id), big.getStatus().getDescription());
        remove(id);
    }

    @Test
    void twoEventSubscribersEachSeeTheWholeLifecycle() throws Exception {
        List<LinkedBlockingQueue<ContainerEventResponse>> queues = List.of(new LinkedBlockingQueue<>(),
                new LinkedBlockingQueue<>());
        List<Context.CancellableContext> streams = new ArrayList<>();
        try {
            for (LinkedBlockingQueue<ContainerEventResponse> q : queues) {
                Context.CancellableContext ctx = Context.current().withCancellation();
                streams.add(ctx);
                ctx.run(() -> RuntimeServiceGrpc.newStub(node.berthd.channel()).getContainerEvents(
                        GetEventsRequest.getDefaultInstance(), collect(q)));
            }
            Thread.sleep(500); // both subscriptions are registered before the first event
            String id = node.run(podId, pod, node.container("events", "exit 0"));
            awaitExited(id);
            remove(id);
            for (LinkedBlockingQueue<ContainerEventResponse> q : queues) {
                List<ContainerEventType> seen = new ArrayList<>();
                while (seen.size() < 4) {
                    ContainerEventResponse e = q.poll(20, TimeUnit.SECONDS);
                    assertTrue(e != null, "events so far: " + seen);
                    if (e.getContainerId().equals(id)) {
                        seen.add(e.getContainerEventType());
                        assertEquals(podId, e.getPodSandboxStatus().getId(), "each event carries the pod status");
                    }
                }
                assertEquals(List.of(ContainerEventType.CONTAINER_CREATED_EVENT,
                        ContainerEventType.CONTAINER_STARTED_EVENT, ContainerEventType.CONTAINER_STOPPED_EVENT,
                        ContainerEventType.CONTAINER_DELETED_EVENT), seen);
            }
        } finally {
            streams.forEach(s -> s.cancel(null));
        }
    }

    @Test
    void statsMoveWhileTheContainerBurnsCpu() throws Exception {
        String id = node.run(podId, pod, node.container("burn", "while true; do :; done"));
        long first = cpu(id);
        Thread.sleep(1500);
        var s = node.berthd.runtime().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build())
                .getStats();
        assertTrue(s.getCpu().getUsageCoreNanoSeconds().getValue() > first + 200_000_000L,
                "a busy loop uses CPU: " + first + " -> " + s.getCpu().getUsageCoreNanoSeconds().getValue());
        assertTrue(s.getMemory().getWorkingSetBytes().getValue() > 0);
        assertEquals(id, s.getAttributes().getId());
        remove(id);
    }

    @Test
    void badInputIsAnsweredWithTheRightCodeNamingItAndLeavesNothing() throws Exception {
        String missingImage = node.registry.host() + "/e2e/nosuch:" + node.tag;
        StatusRuntimeException noImage = assertThrows(StatusRuntimeException.class, () -> node.create(podId, pod,
                node.container("noimage", "true").setImage(ImageSpec.newBuilder().setImage(missingImage))));
        assertEquals(Status.Code.NOT_FOUND, noImage.getStatus().getCode());
        assertTrue(noImage.getStatus().getDescription().contains(missingImage), noImage.getStatus().getDescription());
        String missingDir = node.dir.resolve("no-such-dir").toString();
        StatusRuntimeException badMount = assertThrows(StatusRuntimeException.class, () -> node.create(podId, pod,
                node.container("badmount", "true").addMounts(Mount.newBuilder().setHostPath(missingDir)
                        .setContainerPath("/x"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, badMount.getStatus().getCode());
        assertTrue(badMount.getStatus().getDescription().contains(missingDir), badMount.getStatus().getDescription());
        StatusRuntimeException noPod = assertThrows(StatusRuntimeException.class,
                () -> node.create("f".repeat(64), pod, node.container("nopod", "true")));
        assertEquals(Status.Code.NOT_FOUND, noPod.getStatus().getCode());
        for (String name : List.of("noimage", "badmount", "nopod")) {
            var left = node.berthd.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                    .getContainersList().stream().filter(c -> c.getMetadata().getName().equals(name)).toList();
            assertEquals(List.of(), left, "no record of " + name);
        }
        // The names are free again, and nothing of the failed creates is on disk.
        remove(node.create(podId, pod, node.container("badmount", "true")));
        Path records = node.berthd.dir.resolve("root/containers");
        List<Path> strays = List.of();
        for (int i = 0; i < 200; i++) { // a removed container's bundle may still be going in the background
            try (var s = Files.list(records)) {
                strays = s.toList();
            }
            if (strays.isEmpty()) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(List.of(), strays, "records or bundles left");
    }

    private static long cpu(String id) {
        return node.berthd.runtime().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build())
                .getStats().getCpu().getUsageCoreNanoSeconds().getValue();
    }

    private static <T> StreamObserver<T> collect(LinkedBlockingQueue<T> q) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                q.add(value);
            }

            @Override
            public void onError(Throwable t) {
                // Cancelled at the end of the test.
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    private static ExecSyncResponse exec(String id, long timeoutSeconds, String script) {
        return node.berthd.runtime().withDeadlineAfter(timeoutSeconds + 30, TimeUnit.SECONDS).execSync(ExecSyncRequest
                .newBuilder().setContainerId(id).addCmd("sh").addCmd("-c").addCmd(script).setTimeout(timeoutSeconds)
                .build());
    }

    private static void stop(String id, long timeout) {
        node.berthd.runtime().withDeadlineAfter(timeout + 30, TimeUnit.SECONDS).stopContainer(StopContainerRequest
                .newBuilder().setContainerId(id).setTimeout(timeout).build());
    }

    private static void remove(String id) {
        node.berthd.runtime().withDeadlineAfter(60, TimeUnit.SECONDS).removeContainer(RemoveContainerRequest
                .newBuilder().setContainerId(id).build());
    }

    private static ContainerStatus awaitExited(String id) throws InterruptedException {
        return node.awaitState(id, ContainerState.CONTAINER_EXITED);
    }
}
