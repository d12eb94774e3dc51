package io.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.ContainerState;
import io.berth.cri.v1.ContainerStatus;
import io.berth.cri.v1.ExecSyncRequest;
import io.berth.cri.v1.ExecSyncResponse;
import io.berth.cri.v1.ListContainersRequest;
import io.berth.cri.v1.ListPodSandboxRequest;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxState;
import io.berth.cri.v1.PodSandboxStatusRequest;
import io.berth.cri.v1.ReopenContainerLogRequest;
import io.berth.cri.v1.StartContainerRequest;
import io.berth.cri.v1.StopContainerRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restart recovery of a real berthd (issue 6): pods and containers keep running
 * while berthd is killed (SIGKILL) or stopped (SIGTERM) and started again over
 * the same dirs; shims are never restarted; an exit during the downtime is
 * reported with its real code and time; logs have no gap. A reboot (every
 * process gone, mounts gone, the state dir wiped) leaves records that are
 * reported EXITED / NOTREADY and removable with nothing left behind.
 */
class RestartRecoveryIT {

    private static final Pattern TICK = Pattern.compile(" stdout F tick (\\d+)$");

    E2eNode node;
    Path gate;

    @BeforeEach
    void setUp() throws Exception {
        node = new E2eNode();
        gate = Files.createDirectories(node.dir.resolve("gate"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    /** Exits with {@code code} once the host creates {@code /gate/<file>}: an exit timed by the test. */
    private io.berth.cri.v1.ContainerConfig.Builder gated(String name, String file, int code) {
        return node.container(name, "while [ ! -e /gate/" + file + " ]; do sleep 0.05; done; echo bye; exit " + code)
                .addMounts(Mount.newBuilder().setHostPath(gate.toString()).setContainerPath("/gate"));
    }

    @Test
    void podsAndContainersSurviveKillNineAndSigtermWithTheirShimsAndLogs() throws Exception {
        PodSandboxConfig web = node.pod("web");
        PodSandboxConfig db = node.pod("db");
        String webId = node.runPod(web);
        String dbId = node.runPod(db);
        String ticker = node.run(webId, web, node.container("ticker",
                "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.05; done"));
        String killGate = node.run(webId, web, gated("exit-at-kill", "kill9", 7));
        String termGate = node.run(webId, web, gated("exit-at-term", "term", 9));
        String later = node.create(webId, web, node.container("later", "echo started late"));
        String done = node.run(dbId, db, node.container("done", "exit 3"));
        String sleeper = node.run(dbId, db, node.container("sleeper", "sleep 100000"));
        awaitState(done, ContainerState.CONTAINER_EXITED);
        String webIp = podIp(webId);

        Snapshot first = Snapshot.take(node);
        restartAfter(() -> node.berthd.kill9(), killGate, "kill9");
        Snapshot second = Snapshot.take(node);
        assertRecovered(first, second, killGate, 7);
        assertEquals(webIp, podIp(webId), "the pod keeps its address");

        restartAfter(() -> assertEquals(0, node.berthd.terminate(Duration.ofSeconds(30)), node.berthd.logText()),
                termGate, "term");
        Snapshot third = Snapshot.take(node);
        assertRecovered(second, third, termGate, 9);
        assertTickerLogHasNoGap(ticker);

        // The restarted berthd drives what it recovered: through the old shims and anew.
        ExecSyncResponse exec = node.berthd.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(sleeper)
                .addAllCmd(List.of("sh", "-c", "echo inside; exit 4")).setTimeout(10).build());
        assertEquals("inside\n", exec.getStdout().toString(StandardCharsets.UTF_8));
        assertEquals(4, exec.getExitCode());
        Path tickerLog = Path.of(node.status(ticker).getLogPath());
        Files.move(tickerLog, tickerLog.resolveSibling("ticker.log.1"));
        node.berthd.runtime().reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(ticker).build());
        awaitNonEmpty(tickerLog);
        node.berthd.runtime().withDeadlineAfter(30, TimeUnit.SECONDS).stopContainer(StopContainerRequest.newBuilder()
                .setContainerId(ticker).setTimeout(1).build());
        assertEquals(ContainerState.CONTAINER_EXITED, node.status(ticker).getState());
        node.berthd.runtime().withDeadlineAfter(30, TimeUnit.SECONDS).startContainer(StartContainerRequest.newBuilder()
                .setContainerId(later).build());
        assertEquals(0, awaitState(later, ContainerState.CONTAINER_EXITED).getExitCode());

        node.removeAllThroughCri();
        assertNothingLeft();
    }

    @Test
    void afterARebootRecordsAreExitedAndNotReadyAndRemovable() throws Exception {
        PodSandboxConfig app = node.pod("app");
        String appId = node.runPod(app);
        String sleeper = node.run(appId, app, node.container("sleeper", "sleep 100000"));
        String done = node.run(appId, app, node.container("done", "exit 3"));
        String created = node.create(appId, app, node.container("created", "true"));
        ContainerStatus doneBefore = awaitState(done, ContainerState.CONTAINER_EXITED);
        long shimPid = node.info(sleeper).path("shimPid").asLong();

        // A reboot: every process dies, mounts and links vanish, the state dir (a tmpfs /run) is empty,
        // the cgroup tree is new. Only the root dir (/var/lib/berth) and the logs are kept.
        node.killEverything();
        assertTrue(Host.awaitGone(shimPid));
        for (String m : Host.mountsUnder(node.dir).reversed()) {
            Host.run("umount", "-l", m);
        }
        for (Path cg : node.cgroupDirs()) {
            Files.deleteIfExists(cg);
        }
        Host.run("ip", "link", "del", node.bridge);
        Host.run("rm", "-rf", node.berthd.dir.resolve("state").toString());
        node.berthd = node.berthd.restart();

        var pods = node.berthd.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList();
        assertEquals(1, pods.size());
        assertEquals(appId, pods.get(0).getId());
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, pods.get(0).getState());
        ContainerStatus s = node.status(sleeper);
        assertEquals(ContainerState.CONTAINER_EXITED, s.getState());
        assertNotEquals(0, s.getExitCode(), "a container cut off by a reboot did not complete");
        assertTrue(s.getFinishedAt() >= s.getStartedAt());
        ContainerStatus doneAfter = node.status(done);
        assertEquals(ContainerState.CONTAINER_EXITED, doneAfter.getState());
        assertEquals(3, doneAfter.getExitCode(), "an exit recorded before the reboot is kept");
        assertEquals(doneBefore.getFinishedAt(), doneAfter.getFinishedAt());
        assertNotEquals(ContainerState.CONTAINER_RUNNING, node.status(created).getState());

        node.removeAllThroughCri();
        assertNothingLeft();
    }

    @Test
    void aKillNineAtAnyInstantOfCreateStartAndRemoveLeavesNothingUnaccounted() throws Exception {
        PodSandboxConfig churn = node.pod("churn");
        String churnId = node.runPod(churn);
        java.util.Random random = new java.util.Random();
        for (int round = 0; round < 3; round++) {
            int base = round * 100;
            Thread worker = Thread.ofPlatform().start(() -> {
                // Create, start and remove as fast as berthd answers, until it dies under us.
                for (int i = base; i < base + 6; i++) {
                    try {
                        String id = node.run(churnId, churn, node.container("c" + i, "sleep 100000"));
                        if (i % 2 == 0) {
                            node.berthd.runtime().withDeadlineAfter(30, TimeUnit.SECONDS).removeContainer(
                                    io.berth.cri.v1.RemoveContainerRequest.newBuilder().setContainerId(id).build());
                        }
                    } catch (RuntimeException daemonGone) {
                        return;
                    }
                }
            });
            Thread.sleep(300 + random.nextInt(2500));
            node.berthd.kill9();
            worker.join(60_000);
            node.berthd = node.berthd.restart();
            // What this round's kill interrupted, for whoever reads a failure.
            System.out.println(node.berthd.logText().lines().filter(l -> l.contains("containers recovered"))
                    .reduce((a, b) -> b).orElse("(no recovery line)"));
            assertEverythingOnDiskIsAccounted();
        }
        node.removeAllThroughCri();
        assertNothingLeft();
    }

    /** Each bundle and rootfs mount belongs to a container berthd lists; each listed container can be seen. */
    private void assertEverythingOnDiskIsAccounted() throws Exception {
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (var c : node.berthd.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                .getContainersList()) {
            listed.add(c.getId());
            assertTrue(c.getState() != ContainerState.CONTAINER_UNKNOWN, c.getId() + " is " + c.getState());
        }
        Path records = node.berthd.dir.resolve("root/containers");
        try (var s = Files.list(records)) {
            for (Path p : s.toList()) {
                String id = p.getFileName().toString().replaceFirst("\\.json$", "");
                assertTrue(listed.contains(id), p + " belongs to no listed container: " + listed);
            }
        }
        for (String m : node.mounts()) {
            if (m.startsWith(records.toString())) {
                String id = records.relativize(Path.of(m)).getName(0).toString();
                assertTrue(listed.contains(id), "mount " + m + " belongs to no listed container");
            }
        }
    }

    /** Stops berthd, lets one gated container exit while it is down, and starts berthd again. */
    private void restartAfter(ThrowingRunnable stop, String gatedId, String gateFile) throws Exception {
        long pid = node.info(gatedId).path("pid").asLong();
        stop.run();
        long down = System.currentTimeMillis();
        Files.createFile(gate.resolve(gateFile));
        assertTrue(Host.awaitGone(pid), "the gated container exits while berthd is down");
        Thread.sleep(500); // the ticker writes on while nobody is there to read
        long before = System.currentTimeMillis();
        node.berthd = node.berthd.restart();
        ContainerStatus s = node.status(gatedId);
        assertTrue(s.getFinishedAt() / 1_000_000 >= down - 50 && s.getFinishedAt() / 1_000_000 <= before + 50,
                "finished_at is the exit during the downtime (" + down + ".." + before + " ms), not the recovery: "
                        + s.getFinishedAt() / 1_000_000);
    }

    private void assertRecovered(Snapshot before, Snapshot after, String exitedId, int code) {
        assertEquals(before.pods, after.pods, "pods: same ids, same states");
        assertEquals(before.containers.keySet(), after.containers.keySet(), "containers: same ids");
        before.containers.forEach((id, state) -> {
            ContainerState want = id.equals(exitedId) ? ContainerState.CONTAINER_EXITED : state;
            assertEquals(want, after.containers.get(id), "state of " + id);
        });
        ContainerStatus s = node.status(exitedId);
        assertEquals(code, s.getExitCode());
        assertEquals("Error", s.getReason());
        assertTrue(s.getStartedAt() > 0 && s.getFinishedAt() > s.getStartedAt());
        before.shims.forEach((id, shim) -> {
            if (!id.equals(exitedId)) {
                assertEquals(shim, after.shims.get(id), "the shim of " + id + " was never restarted");
                assertTrue(Host.alive(shim.pid()), "shim " + shim.pid() + " of " + id + " runs");
            }
        });
    }

    private void assertTickerLogHasNoGap(String ticker) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(node.status(ticker).getLogPath()));
        List<Integer> ticks = new ArrayList<>();
        for (String l : lines) {
            Matcher m = TICK.matcher(l);
            if (m.find()) {
                ticks.add(Integer.parseInt(m.group(1)));
            }
        }
        assertTrue(ticks.size() > 40, "ticks spanning two downtimes: " + ticks.size());
        for (int i = 0; i < ticks.size(); i++) {
            assertEquals(i, ticks.get(i), "tick " + i + " is in the log, once, in order");
        }
    }

    private void assertNothingLeft() throws Exception {
        assertEquals(0, node.berthd.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                .getContainersCount());
        assertEquals(0, node.berthd.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
                .getItemsCount());
        assertEquals(List.of(), node.mounts(), "mounts");
        assertEquals(List.of(), node.containerCgroups(), "container cgroups");
        Path records = node.berthd.dir.resolve("root/containers");
        try (var s = Files.list(records)) {
            assertEquals(List.of(), s.toList(), "container records and bundles");
        }
        // The daemon itself is the only process left that names the node's dirs.
        List<Long> left = new ArrayList<>(node.processes());
        left.remove(node.berthd.process.pid());
        left.remove(node.registry.pid());
        assertEquals(List.of(), left.stream().map(p -> p + " " + Host.cmdline(p)).toList(), "processes");
    }

    private String podIp(String podId) {
        return node.berthd.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId)
                .build()).getStatus().getNetwork().getIp();
    }

    private ContainerStatus awaitState(String id, ContainerState want) throws InterruptedException {
        return node.awaitState(id, want);
    }

    private static void awaitNonEmpty(Path file) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (Files.exists(file) && Files.size(file) > 0) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError(file + " received nothing after the reopen");
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A shim's identity: its pid and start time, so a new process under a reused pid would differ. */
    record Shim(long pid, long startTicks) {
    }

    /** What a kubelet would see, plus the shims of running containers. */
    record Snapshot(Map<String, PodSandboxState> pods, Map<String, ContainerState> containers, Map<String, Shim> shims) {
        static Snapshot take(E2eNode node) throws Exception {
            Map<String, PodSandboxState> pods = new TreeMap<>();
            node.berthd.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()
                    .forEach(p -> pods.put(p.getId(), p.getState()));
            Map<String, ContainerState> containers = new TreeMap<>();
            Map<String, Shim> shims = new TreeMap<>();
            for (var c : node.berthd.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                    .getContainersList()) {
                containers.put(c.getId(), c.getState());
                if (c.getState() == ContainerState.CONTAINER_RUNNING) {
                    long pid = node.info(c.getId()).path("shimPid").asLong();
                    shims.put(c.getId(), new Shim(pid, Host.startTicks(pid)));
                }
            }
            return new Snapshot(pods, containers, shims);
        }
    }
}
