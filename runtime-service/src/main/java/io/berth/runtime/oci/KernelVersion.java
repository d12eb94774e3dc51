package io.berth.runtime.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A kernel release's major.minor, enough for "at least 5.12" questions. */
public record KernelVersion(int major, int minor) implements Comparable<KernelVersion> {

    /** What an unreadable release counts as: older than every feature we ask about. */
    public static final KernelVersion UNKNOWN = new KernelVersion(0, 0);

    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");

    /** Parses "6.18.44-fc-v782" or "4.8"; anything else is UNKNOWN. */
    public static KernelVersion parse(String release) {
        Matcher m = RELEASE.matcher(release.strip());
        if (!m.find()) {
            return UNKNOWN;
        }
        return new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** The running kernel, from /proc/sys/kernel/osrelease. */
    public static KernelVersion running() {
        try {
            return parse(Files.readString(Path.of("/proc/sys/kernel/osrelease")));
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    public boolean atLeast(KernelVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(KernelVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
