package io.berth.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.IDMapping;
import io.berth.cri.v1.LinuxPodSandboxConfig;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.UserNamespace;
import io.berth.runtime.oci.UserNamespaceSpec;
import io.berth.runtime.store.RecordStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pod with its own user namespace: made first, the other namespaces pinned from its process, all undone. */
class SandboxUserNamespaceTest {

    @TempDir
    Path tmp;

    private SandboxFixture fx;
    private SandboxService svc;

    @BeforeEach
    void setUp() throws Exception {
        fx = new SandboxFixture(tmp);
        svc = fx.newService();
    }

    private static LinuxPodSandboxConfig.Builder userns(NamespaceMode pid) {
        IDMapping m = IDMapping.newBuilder().setContainerId(0).setHostId(200_000).setLength(65536).build();
        LinuxPodSandboxConfig.Builder l = SandboxFixture.linux(NamespaceMode.POD, pid, NamespaceMode.POD);
        l.getSecurityContextBuilder().getNamespaceOptionsBuilder().setUsernsOptions(UserNamespace.newBuilder()
                .setMode(NamespaceMode.POD).addUids(m).addGids(m));
        return l;
    }

    @Test
    void aSharedPidPodsInfraMakesEveryNamespaceInsideTheUserNamespace() {
        Sandbox s = svc.run(SandboxFixture.config("u").setLinux(userns(NamespaceMode.POD)).build(), "");
        InfraProcess p = s.namespaces().infra();
        assertNotNull(p);
        UserNamespaceSpec.Mapping uid = fx.infra.userns.get(p.pid()).uid();
        assertEquals(new UserNamespaceSpec.Mapping(0, 200_000, 65536), uid);
        assertEquals(fx.state.resolve("sandboxes").resolve(s.id()).resolve("ns/user").toString(),
                s.namespaces().user());
        for (String pin : List.of(s.namespaces().user(), s.namespaces().ipc(), s.namespaces().uts())) {
            assertTrue(fx.namespaces.isPinned(Path.of(pin)), pin);
        }
        assertEquals("u", fx.namespaces.hostnames.get(Path.of(s.namespaces().uts())));
        assertTrue(fx.network.netns.contains(s.id()));
        assertTrue(fx.infra.alive(p));
        assertEquals(List.of(p.pid()), fx.cgroups.procs.get(s.cgroup().path().value()));
        svc.remove(s.id());
        assertTrue(fx.nothingHeld());
        assertFalse(fx.namespaces.isPinned(Path.of(s.namespaces().user())));
    }

    @Test
    void withoutASharedPidTheFirstProcessEndsOnceEverythingIsPinned() {
        Sandbox s = svc.run(SandboxFixture.config("u").setLinux(userns(NamespaceMode.CONTAINER)).build(), "");
        assertNull(s.namespaces().infra());
        assertEquals(1, fx.infra.userns.size());
        assertEquals(List.of(), List.copyOf(fx.infra.running), "the holder was stopped");
        assertTrue(fx.namespaces.isPinned(Path.of(s.namespaces().user())));
        svc.remove(s.id());
        assertTrue(fx.nothingHeld());
    }

    @Test
    void aRunInterruptedByKillIsUndoneAtStartUpUserNamespaceAndHolderIncluded() throws Exception {
        Sandbox s = svc.run(SandboxFixture.config("u").setLinux(userns(NamespaceMode.CONTAINER)).build(), "");
        // What a kill -9 before the holder was stopped leaves: a CREATING record naming it, every pin.
        InfraProcess holder = fx.infra.start("again");
        RecordStore<Sandbox> raw = new RecordStore<>(fx.root.resolve("sandboxes"), "pod sandbox", Sandbox.class,
                SandboxService.SCHEMA, Sandbox::id);
        raw.load();
        raw.update(s.id(), r -> r.withState(SandboxState.CREATING).withNamespaces(r.namespaces().withInfra(holder)));
        SandboxService restarted = fx.newService();
        assertEquals(1, restarted.recover().rolledBack());
        assertTrue(fx.nothingHeld());
        assertEquals(0, fx.filesLeft());
    }

    @Test
    void aLostUserNamespacePinMakesThePodNotReady() throws Exception {
        Sandbox s = svc.run(SandboxFixture.config("u").setLinux(userns(NamespaceMode.CONTAINER)).build(), "");
        fx.namespaces.pinned.remove(Path.of(s.namespaces().user()));
        SandboxService restarted = fx.newService();
        assertEquals(1, restarted.recover().notReady());
        restarted.remove(s.id());
        assertTrue(fx.nothingHeld());
    }

    @Test
    void aFailedCniAddUndoesTheUserNamespaceToo() throws Exception {
        fx.network.failAdd = true;
        assertThrows(RuntimeException.class,
                () -> svc.run(SandboxFixture.config("u").setLinux(userns(NamespaceMode.POD)).build(), ""));
        assertTrue(fx.nothingHeld());
        assertEquals(List.of(), List.copyOf(fx.infra.running));
        assertEquals(0, fx.filesLeft());
    }

    @Test
    void aFailedPinStopsTheInfraAndLeavesNothing() throws Exception {
        fx.namespaces.failCreate = true;
        assertThrows(RuntimeException.class,
                () -> svc.run(SandboxFixture.config("u").setLinux(userns(NamespaceMode.POD)).build(), ""));
        assertTrue(fx.nothingHeld());
        assertEquals(List.of(), List.copyOf(fx.infra.running));
        assertEquals(0, fx.filesLeft());
    }
}
