package io.berth.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.AlreadyExistsException;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.NamespaceMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxServiceTest {

    @TempDir
    Path tmp;

    private SandboxFixture fx;
    private SandboxService svc;

    @BeforeEach
    void setUp() throws Exception {
        fx = new SandboxFixture(tmp);
        svc = fx.newService();
    }

    /**
     * RunPodSandbox builds the pod's status, which the kubelet asks for next; an unchanged
     * record answers with the same message, a change with a new one, and removal drops it.
     */
    @Test
    void runBuildsThePodStatusAndRemovalDropsIt() {
        PodSandboxStatusHandler status = new PodSandboxStatusHandler(svc);
        Sandbox s = svc.run(SandboxFixture.config("cached").build(), "");
        assertEquals(1, status.kept(), "built by the run, before any status call");
        var ask = io.berth.cri.v1.PodSandboxStatusRequest.newBuilder().setPodSandboxId(s.id()).build();
        var first = status.handle(ask).getStatus();
        assertEquals(io.berth.cri.v1.PodSandboxState.SANDBOX_READY, first.getState());
        assertSame(first, status.handle(ask).getStatus(), "an unchanged record answers with the same message");
        svc.stop(s.id());
        assertEquals(io.berth.cri.v1.PodSandboxState.SANDBOX_NOTREADY, status.handle(ask).getStatus().getState());
        svc.remove(s.id());
        assertEquals(0, status.kept(), "the removed pod's status is dropped");
    }

    @Test
    void runCreatesEverythingAndRecordsItReady() throws Exception {
        Sandbox s = svc.run(SandboxFixture.config("web").build(), "");
        assertEquals(SandboxState.READY, s.state());
        assertEquals(64, s.id().length());
        assertEquals("10.88.0.2", s.network().ip());
        assertTrue(fx.namespaces.isPinned(Path.of(s.namespaces().ipc())));
        assertEquals("web", fx.namespaces.hostnames.get(Path.of(s.namespaces().uts())));
        assertTrue(fx.network.netns.contains(s.id()));
        assertTrue(fx.cgroups.created.contains(s.cgroup().path().value()));
        assertNull(s.namespaces().infra(), "pid CONTAINER mode needs no infra process");
        assertEquals(fx.state.resolve("sandboxes").resolve(s.id()).resolve("shm").toString(), s.namespaces().shm());
        assertEquals(Map.of(Path.of(s.namespaces().shm()), 64L << 20), fx.namespaces.shms);
        assertEquals("search default.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
                Files.readString(s.resolvConfPath()));
        assertEquals("web\n", Files.readString(s.hostnamePath()));
        assertTrue(Files.readString(s.hostsPath()).contains("10.88.0.2\tweb\n"));
        assertTrue(Files.exists(fx.root.resolve("sandboxes").resolve(s.id() + ".json")));
        assertEquals(s, svc.require(s.id().substring(0, 8)));
    }

    @Test
    void theSameMetadataTwiceIsAlreadyExistsNamingTheFirstId() {
        Sandbox first = svc.run(SandboxFixture.config("web").build(), "");
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                () -> svc.run(SandboxFixture.config("web").build(), ""));
        assertTrue(e.getMessage().contains(first.id()), e.getMessage());
        // Another attempt is another name.
        svc.run(SandboxFixture.config("web").setMetadata(first.metadata().toProto().toBuilder().setAttempt(1))
                .build(), "");
    }

    @Test
    void runtimeHandlersEmptyAndKnownAreAcceptedUnknownIsInvalid() {
        svc.run(SandboxFixture.config("a").build(), "");
        svc.run(SandboxFixture.config("b").build(), "runc");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> svc.run(SandboxFixture.config("c").build(), "kata"));
        assertTrue(e.getMessage().contains("kata"), e.getMessage());
    }

    @Test
    void missingMetadataIsInvalidArgument() {
        assertThrows(InvalidArgumentException.class, () -> svc.run(
                SandboxFixture.config("x").clearMetadata().build(), ""));
    }

    @Test
    void hostNetworkPodGetsNoNetnsNoCniNoUtsButItsOwnIpc() {
        Sandbox s = svc.run(SandboxFixture.config("h").setLinux(SandboxFixture.linux(NamespaceMode.NODE,
                NamespaceMode.CONTAINER, NamespaceMode.POD)).build(), "");
        assertNull(s.namespaces().netns());
        assertNull(s.namespaces().uts());
        assertNotNull(s.namespaces().ipc());
        assertTrue(fx.network.adds.isEmpty());
        assertTrue(fx.network.netns.isEmpty());
        assertEquals("", s.network().ip());
    }

    @Test
    void hostIpcPodPinsNoIpc() {
        Sandbox s = svc.run(SandboxFixture.config("i").setLinux(SandboxFixture.linux(NamespaceMode.POD,
                NamespaceMode.CONTAINER, NamespaceMode.NODE)).build(), "");
        assertNull(s.namespaces().ipc());
        assertNotNull(s.namespaces().uts());
        assertEquals("/dev/shm", s.namespaces().shm(), "hostIPC pods share the node's /dev/shm");
        assertTrue(fx.namespaces.shms.isEmpty());
        svc.remove(s.id());
        assertTrue(fx.nothingHeld());
    }

    @Test
    void sharedPidPodGetsAnInfraProcessInItsCgroupWithLowOomScore() {
        Sandbox s = svc.run(SandboxFixture.config("p").setLinux(SandboxFixture.linux(NamespaceMode.POD,
                NamespaceMode.POD, NamespaceMode.POD)).build(), "");
        InfraProcess p = s.namespaces().infra();
        assertNotNull(p);
        assertTrue(fx.infra.alive(p));
        assertEquals(List.of(p.pid()), fx.cgroups.procs.get(s.cgroup().path().value()));
        assertEquals(SandboxCreator.INFRA_OOM_SCORE_ADJ, fx.cgroups.oom.get(p.pid()));
        svc.stop(s.id());
        assertFalse(fx.infra.alive(p));
    }

    @Test
    void sysctlsGoToTheirNamespaces() {
        svc.run(SandboxFixture.config("s").setLinux(SandboxFixture.linux(NamespaceMode.POD, NamespaceMode.CONTAINER,
                NamespaceMode.POD).putSysctls("net.ipv4.ip_forward", "1").putSysctls("kernel.shmmax", "4096"))
                .build(), "");
        assertEquals(Map.of("net.ipv4.ip_forward", "1", "kernel.shmmax", "4096"), fx.namespaces.sysctlsWritten);
    }

    @Test
    void aNonNamespacedSysctlIsRefusedBeforeAnythingIsCreated() throws Exception {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> svc.run(
                SandboxFixture.config("s").setLinux(SandboxFixture.linux(NamespaceMode.POD, NamespaceMode.CONTAINER,
                        NamespaceMode.POD).putSysctls("vm.swappiness", "10")).build(), ""));
        assertTrue(e.getMessage().contains("vm.swappiness"), e.getMessage());
        assertTrue(fx.cgroups.created.isEmpty() && fx.network.netns.isEmpty());
        assertEquals(0, fx.filesLeft());
        assertEquals(0, svc.names().size());
    }

    @Test
    void listFiltersByIdPrefixStateAndLabels() {
        Sandbox a = svc.run(SandboxFixture.config("a").build(), "");
        Sandbox b = svc.run(SandboxFixture.config("b").build(), "");
        svc.stop(b.id());
        assertEquals(2, svc.list(null).size());
        assertEquals(List.of(a.id()), ids(svc.list(new SandboxService.Filter(a.id().substring(0, 10), null, null))));
        assertEquals(List.of(b.id()), ids(svc.list(new SandboxService.Filter("", SandboxState.NOTREADY, null))));
        assertEquals(List.of(a.id()), ids(svc.list(new SandboxService.Filter(null, null, Map.of("app", "a")))));
        assertEquals(List.of(), svc.list(new SandboxService.Filter(null, null, Map.of("app", "zzz"))));
        assertEquals(List.of(), svc.list(new SandboxService.Filter("nope", null, null)));
    }

    @Test
    void statusOfAnUnknownIdIsNotFound() {
        assertThrows(NotFoundException.class, () -> svc.require("0123456789abcdef"));
    }

    @Test
    void stopStopsContainersReleasesNetworkAndIsIdempotent() {
        Sandbox s = svc.run(SandboxFixture.config("web").build(), "");
        svc.stop(s.id());
        Sandbox stopped = svc.require(s.id());
        assertEquals(SandboxState.NOTREADY, stopped.state());
        assertTrue(stopped.network().released());
        assertFalse(fx.network.leases.containsKey(s.id()));
        assertFalse(fx.network.netns.contains(s.id()));
        assertTrue(fx.namespaces.shms.isEmpty(), "the pod's /dev/shm outlived StopPodSandbox");
        assertEquals(List.of("stopAll " + s.id()), fx.containers.calls);
        svc.stop(s.id());
        assertEquals(1, fx.network.dels.get(), "a second stop must not DEL again");
        svc.stop("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    }

    @Test
    void removeFreesEverythingIncludingTheNameAndIsIdempotent() throws Exception {
        Sandbox s = svc.run(SandboxFixture.config("web").build(), "");
        svc.remove(s.id());
        assertTrue(fx.nothingHeld());
        assertEquals(0, fx.filesLeft());
        assertEquals(0, svc.names().size());
        assertEquals(List.of("stopAll " + s.id(), "removeAll " + s.id()), fx.containers.calls);
        svc.remove(s.id());
        svc.remove("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
        svc.run(SandboxFixture.config("web").build(), "");
    }

    @Test
    void updateResourcesReachesTheCgroupAndTheRecordButNotAStoppedPod() {
        Sandbox s = svc.run(SandboxFixture.config("web").build(), "");
        LinuxContainerResources r = LinuxContainerResources.newBuilder().setCpuShares(512).build();
        svc.updateResources(s.id(), null, r);
        assertEquals(List.of(r), fx.cgroups.updates);
        assertEquals(512, svc.require(s.id()).parsedConfig().getLinux().getResources().getCpuShares());
        svc.stop(s.id());
        assertThrows(FailedPreconditionException.class, () -> svc.updateResources(s.id(), null, r));
        assertThrows(NotFoundException.class, () -> svc.updateResources("abcdef", null, r));
    }

    @Test
    void aFailedStopKeepsThePodReadySoThatARetryFinishes() {
        Sandbox s = svc.run(SandboxFixture.config("web").build(), "");
        fx.network.failDel = true;
        assertThrows(RuntimeException.class, () -> svc.stop(s.id()));
        assertEquals(SandboxState.READY, svc.require(s.id()).state());
        fx.network.failDel = false;
        svc.remove(s.id());
        assertTrue(fx.nothingHeld());
    }

    private static List<String> ids(List<Sandbox> l) {
        return l.stream().map(Sandbox::id).toList();
    }
}
