package io.berth.runtime.cgroup;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the cgroup layer takes from outside, so tests can aim it at a
 * fake tree.
 *
 * @param root          the cgroup mount root
 * @param mountinfo     usually /proc/self/mountinfo; a missing file makes detection use
 *                      the directory names under root
 * @param driver        null to detect
 * @param defaultParent cgroupfs parent of pods that come without a cgroup_parent
 * @param defaultSlice  systemd slice of pods that come without a cgroup_parent
 * @param prefix        names container cgroups ({@code <prefix>-<id>}, {@code <prefix>-<id>.scope})
 * @param removeTimeout how long removal retries a cgroup whose tasks are still exiting
 */
public record CgroupSettings(Path root, Path mountinfo, CgroupDriver driver, CgroupPath defaultParent,
                             String defaultSlice, String prefix, Duration removeTimeout) {

    public CgroupSettings {
        SystemdSlices.expand(defaultSlice);
        if (prefix == null || !prefix.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("bad cgroup name prefix: " + prefix);
        }
    }

    public static CgroupSettings defaults() {
        return new CgroupSettings(Path.of("/sys/fs/cgroup"), Path.of("/proc/self/mountinfo"), null,
                CgroupPath.parse("/berth"), "berth.slice", "berth", Duration.ofSeconds(2));
    }

    public CgroupSettings withRoot(Path newRoot, Path newMountinfo) {
        return new CgroupSettings(newRoot, newMountinfo, driver, defaultParent, defaultSlice, prefix, removeTimeout);
    }

    public CgroupSettings withDriver(CgroupDriver newDriver) {
        return new CgroupSettings(root, mountinfo, newDriver, defaultParent, defaultSlice, prefix, removeTimeout);
    }

    public CgroupSettings withDefaultParent(CgroupPath parent, String slice) {
        return new CgroupSettings(root, mountinfo, driver, parent, slice, prefix, removeTimeout);
    }

    public CgroupSettings withRemoveTimeout(Duration timeout) {
        return new CgroupSettings(root, mountinfo, driver, defaultParent, defaultSlice, prefix, timeout);
    }
}
