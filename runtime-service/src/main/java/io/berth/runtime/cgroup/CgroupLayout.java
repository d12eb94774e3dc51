package io.berth.runtime.cgroup;

import io.berth.common.error.FailedPreconditionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the hierarchies are mounted. For v1 each controller maps to its
 * hierarchy's directory (co-mounted controllers share one, as Debian's
 * {@code cpu,cpuacct} does); {@code name=systemd} and a hybrid host's cgroup2
 * mount are hierarchies without controllers that still hold every task.
 *
 * @param root        the cgroup mount root (normally /sys/fs/cgroup)
 * @param mode        legacy, hybrid or unified
 * @param controllers v1 controller name (or "name=systemd") to its hierarchy directory;
 *                    empty on a unified host
 * @param unified     the cgroup2 directory: the root on a unified host, the hybrid
 *                    mount (e.g. root/unified) on a hybrid one, null on a legacy one
 */
public record CgroupLayout(Path root, CgroupMode mode, Map<String, Path> controllers, Path unified) {

    public static final String NAMED_SYSTEMD = "name=systemd";

    /** The v1 controllers a pod cgroup is created in when the host has them. */
    public static final Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "pids",
            "blkio", "devices", "freezer", "hugetlb", NAMED_SYSTEMD);

    public CgroupLayout {
        controllers = Map.copyOf(controllers);
    }

    /** Detects from /proc/self/mountinfo, falling back to the directory names under {@code root}. */
    public static CgroupLayout detect(Path root) {
        return detect(root, Path.of("/proc/self/mountinfo"));
    }

    /**
     * Mountinfo is the truth on a real host (it names each hierarchy's
     * controllers); a fake tree in a temp dir has no mounts, so the directory
     * names, which follow the same convention, are used instead.
     */
    public static CgroupLayout detect(Path root, Path mountinfo) {
        Path abs = root.toAbsolutePath().normalize();
        List<MountInfo.CgroupMount> mounts = MountInfo.cgroupMountsUnder(mountinfo, abs);
        CgroupLayout layout = mounts.isEmpty() ? fromDirectories(abs) : fromMounts(abs, mounts);
        if (layout.mode != CgroupMode.UNIFIED && layout.controllers.isEmpty()) {
            throw new FailedPreconditionException("no cgroup hierarchy found under " + abs);
        }
        return layout;
    }

    private static CgroupLayout fromMounts(Path root, List<MountInfo.CgroupMount> mounts) {
        Map<String, Path> controllers = new LinkedHashMap<>();
        Path unified = null;
        for (MountInfo.CgroupMount m : mounts) {
            if (m.v2()) {
                if (m.mountPoint().equals(root)) {
                    return new CgroupLayout(root, CgroupMode.UNIFIED, Map.of(), root);
                }
                unified = unified == null ? m.mountPoint() : unified;
                continue;
            }
            for (String c : m.controllers()) {
                controllers.putIfAbsent(c, m.mountPoint());
            }
        }
        return v1(root, controllers, unified);
    }

    private static CgroupLayout fromDirectories(Path root) {
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return new CgroupLayout(root, CgroupMode.UNIFIED, Map.of(), root);
        }
        Map<String, Path> controllers = new LinkedHashMap<>();
        Path unified = null;
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> list = Files.list(root)) {
            list.filter(Files::isDirectory).sorted().forEach(dirs::add);
        } catch (IOException e) {
            throw new FailedPreconditionException("cannot list cgroup root " + root + ": " + e.getMessage());
        }
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            if (Files.exists(dir.resolve("cgroup.controllers"))) {
                unified = unified == null ? dir : unified;
            } else if (name.equals("systemd")) {
                controllers.putIfAbsent(NAMED_SYSTEMD, dir);
            } else {
                // "cpu" may be a symlink to "cpu,cpuacct": map through the real directory.
                Path real = realPath(dir);
                for (String c : real.getFileName().toString().split(",")) {
                    controllers.putIfAbsent(c, real);
                }
            }
        }
        return v1(root, controllers, unified);
    }

    private static CgroupLayout v1(Path root, Map<String, Path> controllers, Path unified) {
        return new CgroupLayout(root, unified == null ? CgroupMode.LEGACY : CgroupMode.HYBRID,
                controllers, unified);
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir;
        }
    }

    public boolean has(String controller) {
        return mode.isV2() || controllers.containsKey(controller);
    }

    /** The directory of {@code path} in the hierarchy holding {@code controller} (v2: the one tree). */
    public Path dir(String controller, CgroupPath path) {
        Path base = mode.isV2() ? unified : controllers.get(controller);
        return base == null ? null : base.resolve(path.relative());
    }

    /**
     * Every distinct hierarchy a pod cgroup must exist in, in a stable order:
     * our v1 controllers (co-mounted ones once), name=systemd, then the hybrid
     * cgroup2 mount.
     */
    public List<Path> hierarchies() {
        if (mode.isV2()) {
            return List.of(unified);
        }
        List<Path> out = new ArrayList<>();
        controllers.entrySet().stream()
                .filter(e -> V1_CONTROLLERS.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .sorted()
                .distinct()
                .forEach(out::add);
        if (unified != null) {
            out.add(unified);
        }
        return out;
    }
}
