package io.berth.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.AlreadyExistsException;
import io.berth.cri.v1.NamespaceMode;
import io.berth.runtime.store.RecordStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new SandboxService over the same root and state: what a berthd restart sees. */
class SandboxRecoveryTest {

    @TempDir
    Path tmp;

    @Test
    void podsSurviveARestartReadyWithTheirNamesHeld() throws Exception {
        SandboxFixture fx = new SandboxFixture(tmp);
        Sandbox a = fx.newService().run(SandboxFixture.config("a").build(), "");
        SandboxService restarted = fx.newService();
        SandboxRecovery.Report r = restarted.recover();
        assertEquals(1, r.ready());
        assertEquals(a.id(), restarted.require(a.id()).id());
        assertEquals(SandboxState.READY, restarted.require(a.id()).state());
        assertThrows(AlreadyExistsException.class, () -> restarted.run(SandboxFixture.config("a").build(), ""));
    }

    @Test
    void afterARebootPodsAreNotReadyAndRemoveCleanly() throws Exception {
        SandboxFixture fx = new SandboxFixture(tmp);
        Sandbox a = fx.newService().run(SandboxFixture.config("a").setLinux(SandboxFixture.linux(NamespaceMode.POD,
                NamespaceMode.POD, NamespaceMode.POD)).build(), "");
        // A reboot: pins, netns and processes are gone; leases (host-local's files) and records are not.
        fx.namespaces.pinned.clear();
        fx.network.netns.clear();
        fx.infra.running.clear();
        SandboxService restarted = fx.newService();
        SandboxRecovery.Report r = restarted.recover();
        assertEquals(1, r.notReady());
        assertEquals(SandboxState.NOTREADY, restarted.require(a.id()).state());
        restarted.remove(a.id());
        assertTrue(fx.nothingHeld(), "the lease must be released by CNI DEL");
        assertEquals(0, fx.filesLeft());
    }

    @Test
    void aRecordFromABuildWithoutPodShmLoadsAndItsContainersKeepAPrivateOne() throws Exception {
        SandboxFixture fx = new SandboxFixture(tmp);
        Sandbox a = fx.newService().run(SandboxFixture.config("a").build(), "");
        // What session 1's berthd wrote: no "shm" in the namespaces, and no tmpfs mounted.
        Path file = fx.root.resolve("sandboxes").resolve(a.id() + ".json");
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(file.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.at("/record/namespaces")).remove("shm");
        java.nio.file.Files.writeString(file, json.toString());
        fx.namespaces.shms.clear();
        java.nio.file.Files.delete(Path.of(a.namespaces().shm()));

        SandboxService restarted = fx.newService();
        assertEquals(1, restarted.recover().ready());
        Sandbox old = restarted.require(a.id());
        assertEquals(null, old.namespaces().shm());
        assertEquals(false, old.namespaces().ownShm());
        restarted.remove(a.id());
        assertTrue(fx.nothingHeld());
        assertEquals(0, fx.filesLeft());
    }

    @Test
    void aRunInterruptedByKillIsUndoneAtStartUp() throws Exception {
        SandboxFixture fx = new SandboxFixture(tmp);
        Sandbox a = fx.newService().run(SandboxFixture.config("a").build(), "");
        // Rewrite the record as CREATING: the state a kill -9 between CNI ADD and the last write leaves.
        RecordStore<Sandbox> raw = new RecordStore<>(fx.root.resolve("sandboxes"), "pod sandbox", Sandbox.class,
                SandboxService.SCHEMA, Sandbox::id);
        raw.load();
        raw.update(a.id(), s -> s.withState(SandboxState.CREATING));

        SandboxService restarted = fx.newService();
        SandboxRecovery.Report r = restarted.recover();
        assertEquals(1, r.rolledBack());
        assertTrue(restarted.list(null).isEmpty());
        assertTrue(fx.nothingHeld());
        assertEquals(0, fx.filesLeft());
        restarted.run(SandboxFixture.config("a").build(), "");
    }
}
