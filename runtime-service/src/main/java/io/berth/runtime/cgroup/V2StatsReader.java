package io.berth.runtime.cgroup;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/** Usage from v2 files; every v2 counter already includes descendants. */
final class V2StatsReader {

    private V2StatsReader() {
    }

    /** @param read returns a file's content, or null when absent (controller not enabled) */
    static CgroupStats read(Path dir, Function<Path, String> read) {
        long now = CgroupStats.nowNanos();
        Map<String, Long> cpu = flat(read.apply(dir.resolve("cpu.stat")));
        Map<String, Long> mem = flat(read.apply(dir.resolve("memory.stat")));
        long usage = single(read.apply(dir.resolve("memory.current")));
        long workingSet = CgroupStats.workingSet(usage, mem.getOrDefault("inactive_file", 0L));
        OptionalLong limit = limit(read.apply(dir.resolve("memory.max")));
        return new CgroupStats(now, cpu.getOrDefault("usage_usec", 0L) * 1000, usage, workingSet,
                mem.getOrDefault("anon", 0L), mem.getOrDefault("pgfault", 0L),
                mem.getOrDefault("pgmajfault", 0L), limit, CgroupStats.available(limit, workingSet),
                single(read.apply(dir.resolve("memory.swap.current"))),
                limit(read.apply(dir.resolve("memory.swap.max"))),
                single(read.apply(dir.resolve("pids.current"))),
                flat(read.apply(dir.resolve("memory.events"))).getOrDefault("oom_kill", 0L));
    }

    private static Map<String, Long> flat(String text) {
        return text == null ? Map.of() : KeyedValues.flat(text);
    }

    private static long single(String text) {
        return text == null ? 0 : KeyedValues.single(text);
    }

    private static OptionalLong limit(String text) {
        return text == null ? OptionalLong.empty() : KeyedValues.limit(text);
    }
}
