package io.berth.runtime.cgroup;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Parsers for the kernel's cgroup file formats (Documentation/admin-guide/cgroup-v2.rst,
 * "Interface Files"): single values, flat keyed "key value" lines, and limits
 * where "max" (v2) or a near-2^63 page-rounded number (v1) means unlimited.
 */
final class KeyedValues {

    /**
     * v1 reports "unlimited" as PAGE_COUNTER_MAX pages in bytes (9223372036854771712
     * with 4 KiB pages); anything this large is no real limit.
     */
    static final long V1_UNLIMITED_FLOOR = 1L << 62;

    private KeyedValues() {
    }

    static Map<String, Long> flat(String text) {
        Map<String, Long> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] kv = line.strip().split("\\s+");
            if (kv.length == 2) {
                try {
                    out.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException ignored) {
                    // Not a counter (e.g. a "max" in some files); callers only ask for counters.
                }
            }
        }
        return out;
    }

    static long single(String text) {
        String s = text.strip();
        return s.isEmpty() ? 0 : Long.parseLong(s);
    }

    /** A limit file: empty when "max", -1 or the v1 unlimited sentinel. */
    static OptionalLong limit(String text) {
        String s = text.strip();
        if (s.isEmpty() || s.equals("max")) {
            return OptionalLong.empty();
        }
        long v = Long.parseLong(s);
        return v < 0 || v >= V1_UNLIMITED_FLOOR ? OptionalLong.empty() : OptionalLong.of(v);
    }
}
