package io.berth.runtime.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds cgroup v1, hybrid and v2 layouts as plain files, with the kernel's default values. */
final class FakeTrees {

    static final String V1_UNLIMITED = "9223372036854771712";
    static final String V2_CONTROLLERS = "cpuset cpu io memory hugetlb pids rdma";

    private FakeTrees() {
    }

    /** This machine's layout: one hierarchy per controller, name=systemd, optionally a hybrid unified. */
    static Path v1(Path root, boolean hybrid) {
        for (String c : new String[] {"cpu", "cpuacct", "cpuset", "memory", "pids", "blkio", "devices",
                "freezer", "systemd"}) {
            hierarchy(root.resolve(c), v1Files(c, true));
        }
        if (hybrid) {
            Map<String, String> files = v2Files("");
            files.put("cgroup.controllers", "hugetlb");
            hierarchy(root.resolve("unified"), files);
        }
        return root;
    }

    /** Debian's way: cpu and cpuacct co-mounted, with symlinks by each name. */
    static Path v1CoMounted(Path root) {
        Map<String, String> files = v1Files("cpu", true);
        files.putAll(v1Files("cpuacct", true));
        hierarchy(root.resolve("cpu,cpuacct"), files);
        hierarchy(root.resolve("memory"), v1Files("memory", true));
        try {
            Files.createSymbolicLink(root.resolve("cpu"), Path.of("cpu,cpuacct"));
            Files.createSymbolicLink(root.resolve("cpuacct"), Path.of("cpu,cpuacct"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    static Path v2(Path root) {
        Map<String, String> files = v2Files("");
        files.put("cgroup.controllers", V2_CONTROLLERS);
        hierarchy(root, files);
        return root;
    }

    private static void hierarchy(Path dir, Map<String, String> files) {
        try {
            Files.createDirectories(dir);
            writeFiles(dir, files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeFiles(Path dir, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
    }

    /** The files a new v1 cgroup gets; the hierarchy root's cpuset is populated, a child's is empty. */
    static Map<String, String> v1Files(String controller, boolean isRoot) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("cgroup.procs", "");
        f.put("tasks", "");
        switch (controller) {
            case "cpu" -> {
                f.put("cpu.shares", "1024");
                f.put("cpu.cfs_quota_us", "-1");
                f.put("cpu.cfs_period_us", "100000");
            }
            case "cpuacct" -> f.put("cpuacct.usage", "0");
            case "cpuset" -> {
                f.put("cpuset.cpus", isRoot ? "0-3" : "");
                f.put("cpuset.mems", isRoot ? "0" : "");
            }
            case "memory" -> {
                f.put("memory.limit_in_bytes", V1_UNLIMITED);
                f.put("memory.memsw.limit_in_bytes", V1_UNLIMITED);
                f.put("memory.usage_in_bytes", "0");
                f.put("memory.stat", "");
                f.put("memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
                f.put("memory.failcnt", "0");
            }
            case "pids" -> {
                f.put("pids.max", "max");
                f.put("pids.current", "0");
            }
            default -> { }
        }
        return f;
    }

    /** The files a new v2 cgroup gets when its parent enables {@code enabled}. */
    static Map<String, String> v2Files(String enabled) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("cgroup.procs", "");
        f.put("cgroup.controllers", enabled);
        f.put("cgroup.subtree_control", "");
        f.put("cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
        for (String c : enabled.isBlank() ? new String[0] : enabled.split("\\s+")) {
            switch (c) {
                case "cpu" -> {
                    f.put("cpu.weight", "100");
                    f.put("cpu.max", "max 100000");
                }
                case "cpuset" -> {
                    f.put("cpuset.cpus", "");
                    f.put("cpuset.mems", "");
                }
                case "memory" -> {
                    f.put("memory.max", "max");
                    f.put("memory.swap.max", "max");
                    f.put("memory.current", "0");
                    f.put("memory.swap.current", "0");
                    f.put("memory.stat", "");
                    f.put("memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
                }
                case "pids" -> {
                    f.put("pids.max", "max");
                    f.put("pids.current", "0");
                }
                case "hugetlb" -> f.put("hugetlb.2MB.max", "max");
                default -> { }
            }
        }
        return f;
    }

    static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void put(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
