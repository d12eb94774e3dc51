package io.berth.runtime.cgroup;

import io.berth.common.error.InvalidArgumentException;
import java.util.Arrays;
import java.util.List;

/**
 * A cgroup's place in the tree, the same under every hierarchy root: always
 * absolute and normalised, e.g. {@code /kubepods/burstable/pod1}. Validation
 * lives here so that nothing built from a kubelet string can climb out of
 * the cgroup mount with {@code ..}.
 */
public record CgroupPath(String value) {

    /** The root of every hierarchy. Never created nor removed by Berth. */
    public static final CgroupPath ROOT = new CgroupPath("/");

    private static final int MAX_LENGTH = 4096;
    private static final int MAX_NAME = 255;

    public CgroupPath {
        if (value == null || !value.startsWith("/") || value.length() > MAX_LENGTH) {
            throw new InvalidArgumentException("cgroup path \"" + value + "\" must be absolute and shorter than "
                    + MAX_LENGTH);
        }
        if (!value.equals("/")) {
            for (String name : value.substring(1).split("/", -1)) {
                checkName(value, name);
            }
        }
    }

    /** Accepts {@code a/b}, {@code /a/b/} and {@code /a//b} as {@code /a/b}. */
    public static CgroupPath parse(String text) {
        if (text == null) {
            throw new InvalidArgumentException("cgroup path is missing");
        }
        String joined = String.join("/", Arrays.stream(text.split("/")).filter(s -> !s.isEmpty()).toList());
        return new CgroupPath("/" + joined);
    }

    private static void checkName(String whole, String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.length() > MAX_NAME
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidArgumentException("cgroup path \"" + whole + "\" has an invalid component \""
                    + name + "\"");
        }
    }

    public CgroupPath child(String name) {
        if (name.contains("/")) {
            throw new InvalidArgumentException("cgroup name \"" + name + "\" must not contain '/'");
        }
        checkName(value + "/" + name, name);
        return new CgroupPath(isRoot() ? "/" + name : value + "/" + name);
    }

    public boolean isRoot() {
        return value.equals("/");
    }

    /** The parent, or null for the root. */
    public CgroupPath parent() {
        if (isRoot()) {
            return null;
        }
        int slash = value.lastIndexOf('/');
        return slash == 0 ? ROOT : new CgroupPath(value.substring(0, slash));
    }

    public String name() {
        return isRoot() ? "" : value.substring(value.lastIndexOf('/') + 1);
    }

    /** The components from the root down, empty for the root. */
    public List<String> names() {
        return isRoot() ? List.of() : List.of(value.substring(1).split("/"));
    }

    /** True when this path is {@code other} or lies below it. */
    public boolean isWithin(CgroupPath other) {
        return other.isRoot() || value.equals(other.value) || value.startsWith(other.value + "/");
    }

    /** The path relative to a hierarchy root, usable with {@code Path.resolve}. */
    public String relative() {
        return value.substring(1);
    }

    @Override
    public String toString() {
        return value;
    }
}
