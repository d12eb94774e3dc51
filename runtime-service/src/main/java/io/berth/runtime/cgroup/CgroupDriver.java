package io.berth.runtime.cgroup;

import io.berth.common.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who owns the cgroup tree. The kubelet's {@code --cgroup-driver} must agree
 * with ours, since it hands us cgroup parents in that driver's syntax.
 */
public enum CgroupDriver {
    CGROUPFS("cgroupfs"),
    SYSTEMD("systemd");

    private final String configName;

    CgroupDriver(String configName) {
        this.configName = configName;
    }

    /** The name used in berth.toml and reported to the kubelet through RuntimeConfig. */
    public String configName() {
        return configName;
    }

    /**
     * Parses the {@code [cgroup] driver} value.
     *
     * @return the driver, or null when the value is empty (detect at start-up)
     */
    public static CgroupDriver parse(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        for (CgroupDriver d : values()) {
            if (d.configName.equals(value)) {
                return d;
            }
        }
        throw new InvalidArgumentException("\"" + value + "\" is not a cgroup driver; use cgroupfs or systemd");
    }

    /**
     * systemd only when it is PID 1 and running as the system manager (sd_booted()
     * checks the same directory): otherwise nobody would create our slices.
     *
     * @param procRoot         usually /proc
     * @param systemdRuntimeDir usually /run/systemd/system
     */
    public static CgroupDriver detect(Path procRoot, Path systemdRuntimeDir) {
        String init;
        try {
            init = Files.readString(procRoot.resolve("1/comm")).strip();
        } catch (IOException e) {
            return CGROUPFS;
        }
        return "systemd".equals(init) && Files.isDirectory(systemdRuntimeDir) ? SYSTEMD : CGROUPFS;
    }

    public static CgroupDriver detect() {
        return detect(Path.of("/proc"), Path.of("/run/systemd/system"));
    }
}
