package io.berth.runtime.host;

/** How cgroups are created: by writing cgroupfs directly, or through systemd. */
public enum CgroupDriver {
    CGROUPFS,
    SYSTEMD;

    /** The configured name ("cgroupfs", "systemd"); empty means detect. */
    public static CgroupDriver resolve(String configured, CgroupDriverDetector detector) {
        return switch (configured) {
            case "cgroupfs" -> CGROUPFS;
            case "systemd" -> SYSTEMD;
            case "" -> detector.detect();
            default -> throw new IllegalArgumentException("unknown cgroup driver \"" + configured + "\"");
        };
    }
}
