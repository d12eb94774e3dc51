package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.AlreadyExistsException;
import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.Signal;
import io.berth.runtime.sandbox.SandboxState;
import io.berth.runtime.shim.ShimStartException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerServiceTest {

    @TempDir
    Path tmp;
    Fixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(tmp);
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void createMountsTheRootfsWritesTheBundleAndReservesTheName() throws Exception {
        Container c = f.create("web");
        assertEquals(ContainerState.CREATED, c.state());
        assertTrue(f.rootfs.mounted.contains(f.layout.rootfs(c.id())));
        assertTrue(Files.exists(f.layout.configJson(c.id())));
        assertEquals(new Container.RunAs(1000, 1000, List.of(5L)), c.user());
        assertEquals("sha256:" + "a".repeat(64), c.image().id());
        AlreadyExistsException dup = assertThrows(AlreadyExistsException.class, () -> f.create("web"));
        assertTrue(dup.getMessage().contains(c.id()), dup.getMessage());
    }

    @Test
    void aMissingImageIsNotFoundNamingItAndLeavesNothing() {
        var cfg = Fixture.config("web").toBuilder()
                .setImage(io.berth.cri.v1.ImageSpec.newBuilder().setImage("nope:1")).build();
        NotFoundException e = assertThrows(NotFoundException.class, () -> f.service.create(Fixture.POD, cfg, null));
        assertTrue(e.getMessage().contains("nope:1"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void aFailingSpecRollsBackTheMountBundleRecordAndName() throws Exception {
        f.specs.failWith = "host path /missing does not exist";
        assertThrows(InvalidArgumentException.class, () -> f.create("web"));
        assertNothingLeft();
        f.specs.failWith = null;
        assertEquals(ContainerState.CREATED, f.create("web").state(), "the name was released");
    }

    @Test
    void aFailingMountRollsBackToo() {
        f.rootfs.fail = true;
        assertThrows(RuntimeException.class, () -> f.create("web"));
        assertNothingLeft();
    }

    @Test
    void containersOnlyGoIntoReadySandboxesAndUnknownOnesAreNotFound() {
        f.sandboxes.put(Fixture.POD, Fakes.sandbox(Fixture.POD, SandboxState.NOTREADY));
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> f.create("web"));
        assertTrue(e.getMessage().contains("NOTREADY"), e.getMessage());
        assertThrows(NotFoundException.class, () -> f.service.create("f".repeat(64), Fixture.config("x"), null));
    }

    @Test
    void startOnlyFromCreatedAndTheErrorNamesTheState() throws Exception {
        Container c = f.running("web");
        assertEquals(ContainerState.RUNNING, c.state());
        assertTrue(c.process().startedAtNanos() > 0);
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> f.service.start(c.id()));
        assertTrue(e.getMessage().contains("RUNNING") && e.getMessage().contains(c.id()), e.getMessage());
    }

    @Test
    void startInAStoppedPodIsFailedPreconditionNamingBothAndRunsNothing() {
        Container c = f.create("web");
        f.sandboxes.put(Fixture.POD, Fakes.sandbox(Fixture.POD, SandboxState.NOTREADY));
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> f.service.start(c.id()));
        assertTrue(e.getMessage().contains(c.id()) && e.getMessage().contains(Fixture.POD)
                && e.getMessage().contains("NOTREADY"), e.getMessage());
        assertEquals(List.of(), f.shims.started, "no shim, no runtime");
        assertEquals(ContainerState.CREATED, f.service.require(c.id()).state(), "still CREATED, as in containerd");
        f.service.remove(c.id());
        assertThrows(NotFoundException.class, () -> f.service.require(c.id()));
    }

    @Test
    void aFailedStartLeavesTheContainerExitedWithTheRuntimesMessage() {
        Container c = f.create("web");
        f.shims.failStart = "invalid memory limit";
        assertThrows(ShimStartException.class, () -> f.service.start(c.id()));
        Container after = f.service.require(c.id());
        assertEquals(ContainerState.EXITED, after.state());
        assertEquals("StartError", after.exit().reason());
        assertTrue(after.exit().message().contains("invalid memory limit"));
    }

    @Test
    void anExitIsRecordedWithCodeAndReason() throws Exception {
        Container c = f.running("web");
        Fakes.writeExit(f.layout.exitDir(), c.id(), 3, 0, false, false);
        Container after = awaitState(c.id(), ContainerState.EXITED);
        assertEquals(3, after.exit().exitCode());
        assertEquals("Error", after.exit().reason());
        assertTrue(after.exit().finishedAtNanos() >= c.process().startedAtNanos() - 1_000_000_000L);
    }

    @Test
    void anExitedInitAloneInItsPidNamespaceIsForgottenWithoutTheRuntimesDeleteOthersWithIt() throws Exception {
        var own = Fixture.config("own").toBuilder().setLinux(io.berth.cri.v1.LinuxContainerConfig.newBuilder()
                .setSecurityContext(io.berth.cri.v1.LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(
                        io.berth.cri.v1.NamespaceOption.newBuilder()
                                .setPid(io.berth.cri.v1.NamespaceMode.CONTAINER)))).build();
        Container alone = f.service.create(Fixture.POD, own, null);
        f.service.start(alone.id());
        Container shared = f.running("shared");
        Container failed = f.service.create(Fixture.POD, own.toBuilder().setMetadata(
                io.berth.cri.v1.ContainerMetadata.newBuilder().setName("failed")).build(), null);
        f.shims.failStart = "bad spec";
        assertThrows(ShimStartException.class, () -> f.service.start(failed.id()));
        for (Container c : List.of(alone, shared)) {
            Fakes.writeExit(f.layout.exitDir(), c.id(), 0, 0, false, false);
            awaitState(c.id(), ContainerState.EXITED);
        }
        f.service.remove(failed.id());
        f.service.awaitTeardowns(java.time.Duration.ofSeconds(10));
        assertTrue(f.runtime.calls.contains("deleteExited " + alone.id().substring(0, 6)), f.runtime.calls.toString());
        assertFalse(f.runtime.calls.contains("delete " + alone.id().substring(0, 6)), f.runtime.calls.toString());
        // Its init's children may outlive it in the pod's PID namespace; a failed start proved no exit.
        for (Container c : List.of(shared, failed)) {
            assertTrue(f.runtime.calls.contains("delete " + c.id().substring(0, 6)), f.runtime.calls.toString());
            assertFalse(f.runtime.calls.contains("deleteExited " + c.id().substring(0, 6)));
        }
    }

    @Test
    void anOomKillIsReportedAsOomKilledWith137() throws Exception {
        Container c = f.running("web");
        Fakes.writeExit(f.layout.exitDir(), c.id(), 137, 9, true, false);
        Container after = awaitState(c.id(), ContainerState.EXITED);
        assertEquals("OOMKilled", after.exit().reason());
        assertEquals(137, after.exit().exitCode());
    }

    @Test
    void stopSendsTheConfiguredStopSignal() {
        Container c = f.service.create(Fixture.POD, Fixture.config("web").toBuilder()
                .setStopSignal(Signal.SIGQUIT).build(), null);
        f.shims.diesOf = Set.of(3);
        f.service.start(c.id());
        f.service.stop(c.id(), 5);
        Container after = f.service.require(c.id());
        assertEquals(ContainerState.EXITED, after.state(), "Stop returns once the exit is recorded");
        assertEquals(131, after.exit().exitCode());
        assertEquals(List.of("kill " + c.id().substring(0, 6) + " 3"), kills());
    }

    @Test
    void theImagesStopSignalIsUsedWhenTheConfigHasNone() {
        f.images.add("nginx", "SIGQUIT");
        Container c = f.service.create(Fixture.POD, Fixture.config("web").toBuilder()
                .setImage(io.berth.cri.v1.ImageSpec.newBuilder().setImage("nginx")).build(), null);
        assertEquals(3, c.stopSignal());
        assertEquals(15, f.create("other").stopSignal());
    }

    @Test
    void stopEscalatesToSigkillOfEveryProcessAfterTheTimeout() {
        f.shims.diesOf = Set.of(9);
        Container c = f.running("web");
        long t0 = System.nanoTime();
        f.service.stop(c.id(), 1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 1000, "waited the grace period: " + ms);
        String p = c.id().substring(0, 6);
        assertEquals(List.of("kill " + p + " 15", "kill " + p + " 9 all"), kills());
        assertEquals(137, f.service.require(c.id()).exit().exitCode());
    }

    @Test
    void stopAndRemoveAreIdempotentAlsoForUnknownIds() {
        f.service.stop("deadbeef", 10);
        f.service.remove("deadbeef");
        Container c = f.running("web");
        f.service.stop(c.id(), 0);
        f.service.stop(c.id(), 0);
        f.service.remove(c.id());
        f.service.remove(c.id());
        assertThrows(NotFoundException.class, () -> f.service.require(c.id()));
    }

    @Test
    void removeKillsARunningContainerAndDeletesEverything() {
        Container c = f.running("web");
        List<String> removed = new java.util.ArrayList<>();
        f.service.onRemoved(removed::add);
        f.service.remove(c.id());
        assertEquals(List.of(c.id()), removed, "listeners hear of the removal");
        assertTrue(f.runtime.calls.contains("kill " + c.id().substring(0, 6) + " 9 all"), f.runtime.calls.toString());
        f.service.awaitTeardowns(java.time.Duration.ofSeconds(10));
        assertTrue(f.runtime.deleted.contains(c.id()));
        assertNothingLeft();
        assertFalse(Files.exists(f.layout.exitFile(c.id())));
    }

    @Test
    void listFiltersByIdPrefixStateSandboxAndLabels() {
        Container a = f.running("a");
        Container b = f.create("b");
        assertEquals(2, f.service.list(ContainerService.Filter.ALL).size());
        assertEquals(List.of(a.id()), ids(new ContainerService.Filter(a.id().substring(0, 20), null, null, null)));
        assertEquals(List.of(b.id()), ids(new ContainerService.Filter(null, ContainerState.CREATED, null, null)));
        assertEquals(List.of(a.id()), ids(new ContainerService.Filter(null, null, null, Map.of("app", "a"))));
        assertEquals(List.of(), ids(new ContainerService.Filter(null, null, "f".repeat(64), null)));
        assertEquals(2, ids(new ContainerService.Filter(null, null, Fixture.POD.substring(0, 8), null)).size());
        assertEquals(List.of(), ids(new ContainerService.Filter("", null, "zz", null)));
    }

    @Test
    void updateResourcesChangesTheLiveCgroupAndTheRecord() {
        Container c = f.running("web");
        LinuxContainerResources r = LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64 << 20).build();
        f.service.updateResources(c.id(), r);
        org.mockito.Mockito.verify(f.cgroups).apply(org.mockito.ArgumentMatchers.eq(
                io.berth.runtime.cgroup.CgroupPath.parse("/berth/" + c.id())), org.mockito.ArgumentMatchers.any());
        assertEquals(64 << 20, f.service.require(c.id()).parsedResources().getMemoryLimitInBytes());
        f.service.stop(c.id(), 0);
        assertThrows(FailedPreconditionException.class, () -> f.service.updateResources(c.id(), r));
    }

    @Test
    void reopenLogGoesToTheShimOfARunningContainerOnly() {
        Container c = f.create("web");
        assertThrows(FailedPreconditionException.class, () -> f.service.reopenLog(c.id()));
        f.service.start(c.id());
        f.service.reopenLog(c.id());
        assertEquals(List.of(f.layout.socket(c.id())), f.reopened);
    }

    @Test
    void execSyncReturnsBothStreamsAndTheExitCode() {
        Container c = f.running("web");
        f.shims.exec = (cfg, log) -> {
            write(log, "2026-01-01T00:00:00.000000000Z stdout F hello\n"
                    + "2026-01-01T00:00:00.000000000Z stderr F oops\n");
            return 7;
        };
        ExecResult r = f.service.execSync(c.id(), List.of("sh", "-c", "x"), 5);
        assertArrayEquals("hello\n".getBytes(StandardCharsets.UTF_8), r.stdout());
        assertArrayEquals("oops\n".getBytes(StandardCharsets.UTF_8), r.stderr());
        assertEquals(7, r.exitCode());
        var execCfg = f.shims.started.getLast();
        assertEquals(java.time.Duration.ofSeconds(5), execCfg.execTimeout());
        assertFalse(Files.exists(execCfg.logPath()), "scratch files are removed");
    }

    @Test
    void execSyncTimeoutIsDeadlineExceededAndExecNeedsARunningContainer() {
        Container c = f.running("web");
        f.shims.exec = (cfg, log) -> -1;
        assertThrows(DeadlineExceededException.class, () -> f.service.execSync(c.id(), List.of("sleep", "9"), 1));
        f.service.stop(c.id(), 0);
        assertThrows(FailedPreconditionException.class, () -> f.service.execSync(c.id(), List.of("true"), 1));
    }

    @Test
    void eventsFollowTheLifecycle() throws Exception {
        try (var sub = f.events.subscribe()) {
            Container c = f.running("web");
            f.service.stop(c.id(), 0);
            f.service.remove(c.id());
            List<String> types = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                var e = sub.next(java.time.Duration.ofSeconds(5)).orElseThrow();
                assertEquals(c.id(), e.getContainerId());
                assertEquals(Fixture.POD, e.getPodSandboxStatus().getId());
                types.add(e.getContainerEventType().name());
            }
            assertEquals(List.of("CONTAINER_CREATED_EVENT", "CONTAINER_STARTED_EVENT", "CONTAINER_STOPPED_EVENT",
                    "CONTAINER_DELETED_EVENT"), types);
        }
    }

    @Test
    void podContainersHookStopsAndRemovesEveryContainerOfThePod() {
        Container a = f.running("a");
        Container b = f.create("b");
        assertEquals(Set.of(a.id(), b.id()), Set.copyOf(f.service.list(Fixture.POD)));
        f.service.stopAll(Fixture.POD);
        assertEquals(ContainerState.EXITED, f.service.require(a.id()).state());
        f.service.removeAll(Fixture.POD);
        assertEquals(List.of(), f.service.list(Fixture.POD));
        assertNothingLeft();
    }

    @Test
    void snapshotsInUseNameTheChainsOfExistingContainers() {
        assertEquals(Set.of(), f.service.snapshotsInUse());
        Container c = f.create("web");
        assertEquals(Set.of(c.image().chainId()), f.service.snapshotsInUse());
        f.service.remove(c.id());
        f.service.awaitTeardowns(java.time.Duration.ofSeconds(10));
        assertEquals(Set.of(), f.service.snapshotsInUse(), "leased until the rootfs is unmounted");
    }

    private List<String> ids(ContainerService.Filter filter) {
        return f.service.list(filter).stream().map(Container::id).toList();
    }

    private Container awaitState(String id, ContainerState s) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            Container c = f.service.require(id);
            if (c.state() == s) {
                return c;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(id + " never became " + s + ": " + f.service.require(id).state());
    }

    /** The runtime's kill calls; deletes run in the background once a container exited. */
    private List<String> kills() {
        return f.runtime.calls.stream().filter(c -> c.startsWith("kill ")).toList();
    }

    private void assertNothingLeft() {
        f.service.awaitTeardowns(java.time.Duration.ofSeconds(10));
        assertEquals(0, f.service.names().size(), "names");
        assertEquals(Set.of(), f.rootfs.mounted, "mounts");
        assertEquals(List.of(), f.service.list(ContainerService.Filter.ALL), "records");
        try (var s = Files.list(f.layout.recordsDir())) {
            assertEquals(List.of(), s.toList(), "bundles and record files");
        } catch (java.nio.file.NoSuchFileException e) {
            // never created: nothing left either
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void write(Path p, String s) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, s);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
