package io.berth.runtime.oci;

import io.berth.common.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Capability sets: the default one, add/drop from the security context, and the host's bounding set. */
public final class Capabilities {

    /** Bit order of the kernel's capability numbers (linux/capability.h), 0..40. */
    static final List<String> BY_NUMBER = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
            "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
            "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
            "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
            "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    /** The set containerd and CRI-O give an unprivileged container. */
    public static final List<String> DEFAULT = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private Capabilities() {
    }

    /**
     * Applies the CRI's add/drop lists to the default set in the order the
     * other runtimes use: "ALL" in add starts from every capability the host can
     * grant, "ALL" in drop starts from none, then named adds, then named drops.
     */
    public static List<String> effective(List<String> add, List<String> drop, List<String> bounding) {
        List<String> adds = normalise(add, "add_capabilities");
        List<String> drops = normalise(drop, "drop_capabilities");
        Set<String> out = new LinkedHashSet<>(DEFAULT);
        if (adds.contains("ALL")) {
            out.addAll(bounding);
        }
        if (drops.contains("ALL")) {
            out.clear();
        }
        adds.stream().filter(a -> !a.equals("ALL")).forEach(out::add);
        drops.stream().filter(d -> !d.equals("ALL")).forEach(out::remove);
        out.retainAll(bounding);
        return List.copyOf(out);
    }

    /** Accepts "NET_ADMIN" and "CAP_NET_ADMIN" in any case; unknown names fail naming the field. */
    static List<String> normalise(List<String> names, String field) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String u = n.trim().toUpperCase(Locale.ROOT);
            if (u.equals("ALL")) {
                out.add("ALL");
                continue;
            }
            String full = u.startsWith("CAP_") ? u : "CAP_" + u;
            if (!BY_NUMBER.contains(full)) {
                throw new InvalidArgumentException(field + ": unknown capability \"" + n + "\"");
            }
            out.add(full);
        }
        return out;
    }

    /** The bounding set of this process, from /proc/self/status (CapBnd). */
    public static List<String> hostBounding() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    return fromMask(Long.parseUnsignedLong(line.substring(7).trim(), 16));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Fall through to the conservative answer.
        }
        return DEFAULT;
    }

    static List<String> fromMask(long mask) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < BY_NUMBER.size(); bit++) {
            if ((mask & (1L << bit)) != 0) {
                out.add(BY_NUMBER.get(bit));
            }
        }
        return List.copyOf(out);
    }
}
