package io.berth.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The cgroup lines of /proc/self/mountinfo (proc(5)), nothing else. */
final class MountInfo {

    /** Mount options that are not controller names. */
    private static final Set<String> NOT_CONTROLLERS = Set.of("rw", "ro", "relatime", "noatime", "nosuid",
            "nodev", "noexec", "clone_children", "xattr", "noprefix", "cpuset_v2_mode", "nsdelegate",
            "memory_recursiveprot", "memory_localevents", "favordynmods", "memory_hugetlb_accounting");

    record CgroupMount(Path mountPoint, boolean v2, List<String> controllers) {
    }

    private MountInfo() {
    }

    static List<CgroupMount> cgroupMountsUnder(Path mountinfo, Path root) {
        List<String> lines;
        try {
            lines = Files.readAllLines(mountinfo);
        } catch (IOException e) {
            return List.of();
        }
        List<CgroupMount> out = new ArrayList<>();
        for (String line : lines) {
            CgroupMount m = parse(line);
            if (m != null && m.mountPoint.startsWith(root)) {
                out.add(m);
            }
        }
        return out;
    }

    /** {@code id parent maj:min root mountpoint opts [optional...] - fstype source superopts}. */
    static CgroupMount parse(String line) {
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        if (dash < 5 || f.length < dash + 4) {
            return null;
        }
        String fstype = f[dash + 1];
        if (!fstype.equals("cgroup") && !fstype.equals("cgroup2")) {
            return null;
        }
        Path mountPoint = Path.of(unescape(f[4]));
        if (fstype.equals("cgroup2")) {
            return new CgroupMount(mountPoint, true, List.of());
        }
        List<String> controllers = new ArrayList<>();
        for (String opt : f[dash + 3].split(",")) {
            if (opt.startsWith("name=")) {
                controllers.add(opt);
            } else if (!opt.contains("=") && !NOT_CONTROLLERS.contains(opt)) {
                controllers.add(opt);
            }
        }
        return new CgroupMount(mountPoint, false, controllers);
    }

    /** Mount points escape space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
