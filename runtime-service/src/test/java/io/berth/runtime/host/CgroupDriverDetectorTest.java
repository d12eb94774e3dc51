package io.berth.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupDriverDetectorTest {

    @TempDir
    Path host;

    private void pid1(String comm) throws Exception {
        Files.createDirectories(host.resolve("proc/1"));
        Files.writeString(host.resolve("proc/1/comm"), comm + "\n");
    }

    @Test
    void systemdWhenPid1IsSystemdAndBootedIt() throws Exception {
        pid1("systemd");
        Files.createDirectories(host.resolve("run/systemd/system"));
        assertEquals(CgroupDriver.SYSTEMD, new CgroupDriverDetector(host).detect());
    }

    @Test
    void cgroupfsWhenPid1IsSomethingElse() throws Exception {
        pid1("tini");
        Files.createDirectories(host.resolve("run/systemd/system"));
        assertEquals(CgroupDriver.CGROUPFS, new CgroupDriverDetector(host).detect());
    }

    @Test
    void cgroupfsWhenSystemdDidNotBootTheMachine() throws Exception {
        pid1("systemd");
        assertEquals(CgroupDriver.CGROUPFS, new CgroupDriverDetector(host).detect());
    }

    @Test
    void cgroupfsWhenProcIsUnreadable() {
        assertEquals(CgroupDriver.CGROUPFS, new CgroupDriverDetector(host).detect());
    }

    @Test
    void configuredDriverWinsOverDetection() throws Exception {
        pid1("systemd");
        Files.createDirectories(host.resolve("run/systemd/system"));
        CgroupDriverDetector detector = new CgroupDriverDetector(host);
        assertEquals(CgroupDriver.CGROUPFS, CgroupDriver.resolve("cgroupfs", detector));
        assertEquals(CgroupDriver.SYSTEMD, CgroupDriver.resolve("", detector));
    }
}
