package io.berth.runtime.config;

import java.util.Set;

/** {@code [cgroup]}: how pod and container cgroups are created. */
public record CgroupConfig(
        @Doc("Cgroup driver: \"cgroupfs\" or \"systemd\". Empty detects it: systemd when\n"
                + "systemd is PID 1 and manages the cgroup tree, cgroupfs otherwise. It must\n"
                + "match the kubelet's --cgroup-driver.")
        String driver) implements ConfigSection {

    public static final String CGROUPFS = "cgroupfs";
    public static final String SYSTEMD = "systemd";
    private static final Set<String> DRIVERS = Set.of("", CGROUPFS, SYSTEMD);

    public static CgroupConfig defaults() {
        return new CgroupConfig("");
    }

    @Override
    public void validate() {
        if (!DRIVERS.contains(driver)) {
            throw new BadValueException("driver",
                    "\"" + driver + "\" is not a cgroup driver; use \"\", \"cgroupfs\" or \"systemd\"");
        }
    }
}
