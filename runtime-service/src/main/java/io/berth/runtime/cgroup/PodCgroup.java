package io.berth.runtime.cgroup;

/**
 * A pod's cgroup as the sandbox record stores it (it must survive restarts,
 * because removal depends on {@code createdByBerth}).
 *
 * @param driver         the driver whose syntax {@code slice} and container paths follow
 * @param slice          the pod's systemd slice name, or null with the cgroupfs driver
 * @param path           the pod cgroup in every hierarchy
 * @param createdByBerth true when Berth made the directory; otherwise the kubelet owns
 *                       it and only Berth's own leftovers below it are ever removed
 */
public record PodCgroup(CgroupDriver driver, String slice, CgroupPath path, boolean createdByBerth) {

    public PodCgroup {
        if (driver == null || path == null) {
            throw new IllegalArgumentException("a pod cgroup needs a driver and a path");
        }
        if ((driver == CgroupDriver.SYSTEMD) != (slice != null)) {
            throw new IllegalArgumentException("a pod slice is given exactly with the systemd driver");
        }
    }

    PodCgroup created(boolean byBerth) {
        return new PodCgroup(driver, slice, path, byBerth);
    }
}
