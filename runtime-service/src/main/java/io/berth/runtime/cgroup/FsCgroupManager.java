package io.berth.runtime.cgroup;

import io.berth.common.error.InternalException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CgroupManager} writing the cgroup filesystem directly, for both
 * drivers. With the systemd driver on a real systemd host the OCI runtime
 * still asks systemd (over D-Bus) for each container's scope, as runc does;
 * the pod slice is made here by mkdir under its expanded path, which is where
 * systemd would put it. There the kubelet normally creates the slice itself,
 * through systemd and with the pod's limits; limits we write into a slice that
 * systemd manages can be reset by systemd when it next realises the unit, so
 * on such hosts pod-level limits belong to the kubelet (untested here: this
 * machine has no systemd).
 */
public final class FsCgroupManager implements CgroupManager {

    private static final Logger LOG = LoggerFactory.getLogger(FsCgroupManager.class);

    private final CgroupLayout layout;
    private final CgroupDriver driver;
    private final CgroupSettings settings;
    private final CgroupFs fs;
    private final CgroupBackend backend;
    private final CgroupNaming naming;

    FsCgroupManager(CgroupLayout layout, CgroupDriver driver, CgroupSettings settings, CgroupFs fs) {
        this.layout = layout;
        this.driver = driver;
        this.settings = settings;
        this.fs = fs;
        this.backend = CgroupBackend.of(layout, fs);
        this.naming = new CgroupNaming(driver, settings);
    }

    /** Detects the layout (and the driver unless configured) on the real host. */
    public static FsCgroupManager create(CgroupSettings settings) {
        CgroupLayout layout = CgroupLayout.detect(settings.root(), settings.mountinfo());
        CgroupDriver driver = settings.driver() != null ? settings.driver() : CgroupDriver.detect();
        LOG.info("cgroups: {} layout under {}, {} driver", layout.mode(), layout.root(), driver.configName());
        return new FsCgroupManager(layout, driver, settings, CgroupFs.system());
    }

    public CgroupLayout layout() {
        return layout;
    }

    @Override
    public CgroupDriver driver() {
        return driver;
    }

    @Override
    public CgroupMode mode() {
        return layout.mode();
    }

    @Override
    public PodCgroup podCgroup(String cgroupParent, String sandboxId) {
        return naming.pod(cgroupParent, sandboxId);
    }

    @Override
    public PodCgroup createPod(PodCgroupRequest request) {
        PodCgroup pod = naming.pod(request.cgroupParent(), request.sandboxId());
        List<Path> created = backend.create(pod.path());
        Set<Path> leaves = layout.hierarchies().stream().map(h -> h.resolve(pod.path().relative()))
                .collect(Collectors.toSet());
        boolean ours = created.stream().anyMatch(leaves::contains);
        try {
            CgroupResources limits = request.effectiveResources();
            if (!limits.isEmpty()) {
                backend.apply(pod.path(), limits);
            }
        } catch (RuntimeException e) {
            backend.undo(created);
            throw e;
        }
        return pod.created(ours);
    }

    @Override
    public void removePod(PodCgroup pod) {
        if (pod.path().isRoot() || !backend.exists(pod.path())) {
            return;
        }
        if (pod.createdByBerth()) {
            backend.remove(pod.path(), settings.removeTimeout());
            return;
        }
        for (String child : leftoverChildren(pod.path())) {
            backend.remove(pod.path().child(child), settings.removeTimeout());
        }
    }

    /** Container cgroups Berth named under a pod cgroup it does not own. */
    private TreeSet<String> leftoverChildren(CgroupPath pod) {
        TreeSet<String> names = new TreeSet<>();
        for (Path hierarchy : layout.hierarchies()) {
            try {
                fs.children(hierarchy.resolve(pod.relative())).stream().filter(naming::isOurs).forEach(names::add);
            } catch (IOException e) {
                throw new InternalException("cannot list cgroup " + pod + ": " + e.getMessage(), e);
            }
        }
        return names;
    }

    @Override
    public void removeContainer(PodCgroup pod, String containerId) {
        CgroupPath container = naming.container(pod, containerId);
        if (backend.exists(container)) {
            backend.remove(container, settings.removeTimeout());
        }
    }

    @Override
    public CgroupPath containerPath(PodCgroup pod, String containerId) {
        return naming.container(pod, containerId);
    }

    @Override
    public String ociCgroupsPath(PodCgroup pod, String containerId) {
        return naming.ociCgroupsPath(pod, containerId);
    }

    @Override
    public void apply(CgroupPath path, CgroupResources resources) {
        backend.apply(path, resources);
    }

    @Override
    public CgroupStats stats(CgroupPath path) {
        return backend.stats(path);
    }

    @Override
    public int processCount(CgroupPath path) {
        return backend.processCount(path);
    }

    @Override
    public void addProcess(CgroupPath path, long pid) {
        backend.addProcess(path, pid);
    }

    @Override
    public boolean exists(CgroupPath path) {
        return backend.exists(path);
    }
}
