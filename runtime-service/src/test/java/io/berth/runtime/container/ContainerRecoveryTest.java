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
        Path record = f.layout.recordsDir().resolve(c.id() + ".json");
        Files.writeString(record, Files.readString(record).replace("\"CREATED\"", "\"CREATING\""));
        f.restart();
        assertThrows(NotFoundException.class, () -> f.service.require(c.id()));
        assertTrue(!Files.exists(f.layout.bundle(c.id())));
        assertEquals(Set.of(), f.rootfs.mounted);
        assertEquals(ContainerState.CREATED, f.create("web").state(), "the name is free");
    }
}
