package io.berth.runtime.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Picks the cgroup driver the host implies: systemd when systemd is PID 1 and
 * manages the system, cgroupfs otherwise. A name=systemd cgroup hierarchy
 * alone proves nothing (container hosts mount it without systemd), so the
 * test is PID 1's name plus /run/systemd/system, the directory systemd itself
 * checks to tell whether it booted the machine.
 */
public final class CgroupDriverDetector {

    private final Path hostRoot;

    /** {@code hostRoot} is "/" in production and a fake tree in tests. */
    public CgroupDriverDetector(Path hostRoot) {
        this.hostRoot = hostRoot;
    }

    public CgroupDriver detect() {
        boolean pid1IsSystemd = "systemd".equals(read(hostRoot.resolve("proc/1/comm")));
        boolean systemdBooted = Files.isDirectory(hostRoot.resolve("run/systemd/system"));
        return pid1IsSystemd && systemdBooted ? CgroupDriver.SYSTEMD : CgroupDriver.CGROUPFS;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
