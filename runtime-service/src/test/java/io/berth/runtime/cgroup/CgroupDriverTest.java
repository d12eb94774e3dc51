package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.common.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CgroupDriverTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({
        "systemd, true, SYSTEMD",
        "systemd, false, CGROUPFS",
        "process_api, true, CGROUPFS",
        "init, false, CGROUPFS",
    })
    void detect(String pid1, boolean runDir, CgroupDriver expected) throws IOException {
        Path proc = Files.createDirectories(tmp.resolve("proc/1")).getParent();
        Files.writeString(proc.resolve("1/comm"), pid1 + "\n");
        Path run = tmp.resolve("run/systemd/system");
        if (runDir) {
            Files.createDirectories(run);
        }
        assertEquals(expected, CgroupDriver.detect(proc, run));
    }

    @Test
    void unreadableProcMeansCgroupfs() {
        assertEquals(CgroupDriver.CGROUPFS, CgroupDriver.detect(tmp.resolve("none"), tmp));
    }

    @Test
    void parse() {
        assertNull(CgroupDriver.parse(""));
        assertEquals(CgroupDriver.SYSTEMD, CgroupDriver.parse("systemd"));
        assertEquals(CgroupDriver.CGROUPFS, CgroupDriver.parse("cgroupfs"));
        assertThrows(InvalidArgumentException.class, () -> CgroupDriver.parse("Systemd"));
    }
}
