package io.berth.runtime.cgroup;

import io.berth.common.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * systemd unit naming as it maps onto the cgroup tree (systemd.slice(5),
 * systemd.unit(5)). A slice name is its own path: each '-' opens a level, so
 * {@code a-b-c.slice} lives at {@code /a.slice/a-b.slice/a-b-c.slice}; the root
 * slice is {@code -.slice}. A literal '-' inside one level must therefore be
 * escaped, which systemd spells {@code \x2d}.
 */
public final class SystemdSlices {

    public static final String SLICE = ".slice";
    public static final String SCOPE = ".scope";
    public static final String ROOT_SLICE = "-.slice";
    private static final int MAX_UNIT_NAME = 255;

    private SystemdSlices() {
    }

    public static boolean isSlice(String name) {
        return name != null && name.endsWith(SLICE);
    }

    /**
     * Expands a slice name into its cgroup path, validating it the way systemd
     * does: no '/', no empty level (leading, trailing or doubled '-').
     */
    public static CgroupPath expand(String slice) {
        if (!isSlice(slice) || slice.length() > MAX_UNIT_NAME) {
            throw new InvalidArgumentException("\"" + slice + "\" is not a systemd slice name");
        }
        if (slice.equals(ROOT_SLICE)) {
            return CgroupPath.ROOT;
        }
        String stem = slice.substring(0, slice.length() - SLICE.length());
        if (stem.isEmpty() || stem.contains("/") || stem.startsWith("-") || stem.endsWith("-")
                || stem.contains("--")) {
            throw new InvalidArgumentException("\"" + slice + "\" is not a valid systemd slice name");
        }
        StringBuilder path = new StringBuilder();
        int from = 0;
        while (true) {
            int dash = stem.indexOf('-', from);
            String level = dash < 0 ? stem : stem.substring(0, dash);
            path.append('/').append(level).append(SLICE);
            if (dash < 0) {
                return new CgroupPath(path.toString());
            }
            from = dash + 1;
        }
    }

    /**
     * Escapes one name for use as a unit-name level: ASCII letters, digits, ':',
     * '_' and '.' stay (a leading '.' does not); '/' becomes '-' as in
     * {@code systemd-escape}; every other byte becomes {@code \xNN}.
     */
    public static String escape(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException("cannot build a systemd unit name from an empty name");
        }
        StringBuilder out = new StringBuilder();
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == ':' || b == '_' || (b == '.' && i > 0);
            if (b == '/') {
                out.append('-');
            } else if (plain) {
                out.append((char) b);
            } else {
                out.append(String.format("\\x%02x", b));
            }
        }
        return out.toString();
    }

    /** The slice that nests the given levels: {@code [kubepods, burstable]} → {@code kubepods-burstable.slice}. */
    public static String sliceOf(List<String> levels) {
        if (levels.isEmpty()) {
            return ROOT_SLICE;
        }
        return String.join("-", levels.stream().map(SystemdSlices::escape).toList()) + SLICE;
    }

    /**
     * The slice a kubelet running with the cgroupfs syntax would mean by
     * {@code /kubepods/burstable/pod1}: {@code kubepods-burstable-pod1.slice}.
     */
    public static String sliceOf(CgroupPath path) {
        return sliceOf(path.names());
    }

    /** A slice below {@code parent}: {@code (kubepods.slice, besteffort)} → {@code kubepods-besteffort.slice}. */
    public static String childSlice(String parent, String name) {
        expand(parent);
        if (parent.equals(ROOT_SLICE)) {
            return escape(name) + SLICE;
        }
        return parent.substring(0, parent.length() - SLICE.length()) + "-" + escape(name) + SLICE;
    }

    /**
     * The unit an OCI runtime's systemd driver creates for {@code slice:prefix:name}:
     * {@code prefix-name.scope}, or the name itself when it already names a slice.
     */
    public static String unitName(String prefix, String name) {
        if (isSlice(name)) {
            return name;
        }
        String unit = prefix + "-" + name + SCOPE;
        if (unit.length() > MAX_UNIT_NAME || name.contains("/")) {
            throw new InvalidArgumentException("\"" + unit + "\" is not a valid systemd scope name");
        }
        return unit;
    }
}
