package io.berth.runtime.cgroup;

import io.berth.common.error.InvalidArgumentException;
import java.util.regex.Pattern;

/**
 * Turns kubelet strings into cgroup paths and OCI {@code cgroupsPath} values,
 * per driver. Pure: nothing here touches the filesystem.
 *
 * <p>cgroupfs: the parent is a path; a container is {@code <pod>/<prefix>-<id>} and
 * its cgroupsPath is that absolute path. systemd: the parent is a slice whose
 * name encodes its path; a container is the scope {@code <prefix>-<id>.scope} in
 * it and its cgroupsPath is {@code slice:prefix:id}, which runc's systemd driver
 * turns into the same scope.
 */
public final class CgroupNaming {

    /** Ids become directory and unit names and must not carry ':' (the systemd path separator). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.]{0,127}");

    private final CgroupDriver driver;
    private final CgroupSettings settings;

    public CgroupNaming(CgroupDriver driver, CgroupSettings settings) {
        this.driver = driver;
        this.settings = settings;
    }

    /** The pod cgroup for a sandbox; {@code createdByBerth} is false until it is created. */
    public PodCgroup pod(String cgroupParent, String sandboxId) {
        String parent = cgroupParent == null ? "" : cgroupParent.strip();
        PodCgroup pod = driver == CgroupDriver.SYSTEMD ? systemdPod(parent, sandboxId) : cgroupfsPod(parent, sandboxId);
        if (pod.path().isRoot()) {
            throw new InvalidArgumentException("cgroup_parent \"" + cgroupParent + "\" is the cgroup root;"
                    + " a pod needs a cgroup of its own");
        }
        return pod;
    }

    private PodCgroup cgroupfsPod(String parent, String sandboxId) {
        if (parent.isEmpty()) {
            return new PodCgroup(driver, null, settings.defaultParent().child("pod" + checkId(sandboxId)), false);
        }
        if (SystemdSlices.isSlice(parent)) {
            throw new InvalidArgumentException("cgroup_parent \"" + parent + "\" is a systemd slice but berth uses"
                    + " the cgroupfs driver; set the kubelet's --cgroup-driver to match [cgroup] driver");
        }
        return new PodCgroup(driver, null, CgroupPath.parse(parent), false);
    }

    private PodCgroup systemdPod(String parent, String sandboxId) {
        String slice;
        if (parent.isEmpty()) {
            slice = SystemdSlices.childSlice(settings.defaultSlice(), "pod" + checkId(sandboxId));
        } else if (parent.startsWith("/")) {
            CgroupPath path = CgroupPath.parse(parent);
            // An already expanded slice path names its slice last; any other path is
            // converted the way the kubelet converts cgroupfs names for systemd.
            slice = SystemdSlices.isSlice(path.name()) ? path.name() : SystemdSlices.sliceOf(path);
        } else if (SystemdSlices.isSlice(parent)) {
            slice = parent;
        } else {
            throw new InvalidArgumentException("cgroup_parent \"" + parent + "\" is neither a systemd slice"
                    + " nor an absolute path");
        }
        return new PodCgroup(driver, slice, SystemdSlices.expand(slice), false);
    }

    /** Where the OCI runtime will put a container of this pod. */
    public CgroupPath container(PodCgroup pod, String containerId) {
        String name = checkId(containerId);
        return pod.driver() == CgroupDriver.SYSTEMD
                ? pod.path().child(SystemdSlices.unitName(settings.prefix(), name))
                : pod.path().child(settings.prefix() + "-" + name);
    }

    /** The OCI {@code linux.cgroupsPath} for a container of this pod. */
    public String ociCgroupsPath(PodCgroup pod, String containerId) {
        if (pod.driver() == CgroupDriver.SYSTEMD) {
            return pod.slice() + ":" + settings.prefix() + ":" + checkId(containerId);
        }
        return container(pod, containerId).value();
    }

    /** True for a cgroup name Berth would give a container (leftovers to clean). */
    boolean isOurs(String name) {
        return name.startsWith(settings.prefix() + "-");
    }

    private static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidArgumentException("\"" + id + "\" cannot name a cgroup: use letters, digits, '_'"
                    + " and '.', at most 128");
        }
        return id;
    }
}
