package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.AlreadyExistsException;
import io.berth.common.error.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart recovery over the fakes: a second service over the same dirs. */
class ContainerRecoveryTest {

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
    void anExitWhileDownIsReadFromTheExitFile() throws Exception {
        Container c = f.running("web");
        ContainerService before = f.service;
        f.restart();
        Fakes.writeExit(f.layout.exitDir(), c.id(), 9, 0, false, false);
        long end = System.nanoTime() + 5_000_000_000L;
        while (f.service.require(c.id()).state() != ContainerState.EXITED && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(9, f.service.require(c.id()).exit().exitCode());
        assertTrue(before != f.service);
    }

    @Test
    void namesAreReservedAgainAndCreatedStaysCreated() throws Exception {
        Container c = f.create("web");
        f.restart();
        assertEquals(ContainerState.CREATED, f.service.require(c.id()).state());
        assertThrows(AlreadyExistsException.class, () -> f.create("web"));
    }

    @Test
    void aRunningContainerWithoutShimOrExitFileIsExitedUnknownWhenTheRuntimeLostIt() throws Exception {
        Container c = f.running("web");
        f.runtime.live.remove(c.id()); // a reboot: the runtime knows nothing, no exit file was written
        Files.delete(f.layout.socket(c.id()));
        f.restart();
        Container after = f.service.require(c.id());
        assertEquals(ContainerState.EXITED, after.state());
        assertEquals(ContainerRecovery.LOST, after.exit().reason());
        f.service.remove(c.id());
        assertThrows(NotFoundException.class, () -> f.service.require(c.id()));
    }

    @Test
    void aRunningContainerWithoutShimButStillRunIsUnknownAndStoppable() throws Exception {
        Container c = f.running("web");
        Files.delete(f.layout.socket(c.id())); // the shim was killed; the container still runs
        f.restart();
        assertEquals(ContainerState.UNKNOWN, f.service.require(c.id()).state());
        f.service.stop(c.id(), 0);
        assertEquals(ContainerState.EXITED, f.service.require(c.id()).state());
    }

    @Test
    void anUnfinishedCreateIsRolledBack() throws Exception {
        Container c = f.create("web");
        rewriteState(c, "CREATED", "CREATING");
        f.restart();
        assertThrows(NotFoundException.class, () -> f.service.require(c.id()));
        assertTrue(!Files.exists(f.layout.bundle(c.id())));
        assertEquals(Set.of(), f.rootfs.mounted);
        assertEquals(ContainerState.CREATED, f.create("web").state(), "the name is free");
    }

    @Test
    void leftoversWithoutARecordAreSweptAndOnesWithARecordKept() throws Exception {
        Container kept = f.running("kept");
        Container lost = f.create("lost");
        // A create whose record never reached the disk (or a remove that deleted the record first).
        Files.delete(f.layout.recordsDir().resolve(lost.id() + ".json"));
        String stranger = "ab".repeat(32);
        Files.writeString(f.layout.exitFile(stranger), "{}");
        Files.writeString(f.layout.exitFile("exec-0123456789abcdef"), "{}");
        Files.createDirectories(f.layout.socketDir());
        Files.writeString(f.layout.socket(stranger), "");
        Files.createDirectories(f.layout.execDir());
        Files.writeString(f.layout.execDir().resolve("exec-0123456789abcdef.json"), "{}");
        Path notOurs = Files.createDirectories(f.layout.recordsDir().resolve("not-a-container-id"));
        f.restart();
        assertTrue(!Files.exists(f.layout.bundle(lost.id())), "the orphan bundle is gone");
        assertTrue(!Files.exists(f.layout.exitFile(stranger)));
        assertTrue(!Files.exists(f.layout.exitFile("exec-0123456789abcdef")));
        assertTrue(!Files.exists(f.layout.socket(stranger)));
        try (var s = Files.list(f.layout.execDir())) {
            assertEquals(0, s.count(), "ExecSync scratch");
        }
        assertTrue(Files.exists(f.layout.bundle(kept.id())), "a recorded container keeps its bundle");
        assertTrue(Files.exists(f.layout.socket(kept.id())), "and its shim socket");
        assertTrue(Files.exists(notOurs), "only container ids are swept");
        assertEquals(ContainerState.RUNNING, f.service.require(kept.id()).state());
    }

    @Test
    void aContainerStartedButRecordedAsCreatedIsAdoptedNotStartedTwice() throws Exception {
        Container c = f.running("web");
        // kill -9 between the shim starting the container and the RUNNING record.
        rewriteState(c, "RUNNING", "CREATED");
        f.restart();
        Container after = f.service.require(c.id());
        assertTrue(after.state().mayHaveProcess(), "adopted: " + after.state());
        assertEquals(42, after.process().pid(), "the runtime's pid");
        assertEquals(after.createdAtNanos(), after.process().startedAtNanos());
        assertThrows(io.berth.common.error.FailedPreconditionException.class, () -> f.service.start(c.id()));
    }

    /** The record on disk as a kill -9 at another instant would have left it. */
    private void rewriteState(Container c, String from, String to) throws Exception {
        Path record = f.layout.recordsDir().resolve(c.id() + ".json");
        Files.writeString(record, Files.readString(record).replace("\"" + from + "\"", "\"" + to + "\""));
    }
}
