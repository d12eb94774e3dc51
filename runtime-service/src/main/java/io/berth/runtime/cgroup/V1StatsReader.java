package io.berth.runtime.cgroup;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Usage from v1 files. memory.stat's {@code total_*} keys are used because
 * they include descendants: a pod cgroup's own counters would miss every
 * container below it.
 */
final class V1StatsReader {

    private final CgroupLayout layout;
    private final Function<Path, String> read;

    /** @param read returns a file's content, or null when the kernel does not offer it */
    V1StatsReader(CgroupLayout layout, Function<Path, String> read) {
        this.layout = layout;
        this.read = read;
    }

    CgroupStats read(CgroupPath path) {
        long now = CgroupStats.nowNanos();
        long cpu = single("cpuacct", path, "cpuacct.usage");
        Map<String, Long> stat = flat("memory", path, "memory.stat");
        long usage = single("memory", path, "memory.usage_in_bytes");
        long workingSet = CgroupStats.workingSet(usage, stat.getOrDefault("total_inactive_file", 0L));
        OptionalLong limit = limit("memory", path, "memory.limit_in_bytes");
        OptionalLong memsw = limit("memory", path, "memory.memsw.limit_in_bytes");
        OptionalLong swapLimit = limit.isPresent() && memsw.isPresent()
                ? OptionalLong.of(Math.max(0, memsw.getAsLong() - limit.getAsLong()))
                : OptionalLong.empty();
        return new CgroupStats(now, cpu, usage, workingSet, stat.getOrDefault("total_rss", 0L),
                stat.getOrDefault("total_pgfault", 0L), stat.getOrDefault("total_pgmajfault", 0L),
                limit, CgroupStats.available(limit, workingSet),
                stat.getOrDefault("total_swap", 0L), swapLimit,
                single("pids", path, "pids.current"), oomKills(path));
    }

    /**
     * memory.oom_control has counted OOM kills ("oom_kill N") since Linux 4.13;
     * older kernels only offer memory.failcnt, the number of times usage hit the
     * limit, which is the best hint they give.
     */
    private long oomKills(CgroupPath path) {
        Long kills = flat("memory", path, "memory.oom_control").get("oom_kill");
        return kills != null ? kills : single("memory", path, "memory.failcnt");
    }

    private String text(String controller, CgroupPath path, String file) {
        Path dir = layout.dir(controller, path);
        return dir == null ? null : read.apply(dir.resolve(file));
    }

    private long single(String controller, CgroupPath path, String file) {
        String t = text(controller, path, file);
        return t == null ? 0 : KeyedValues.single(t);
    }

    private Map<String, Long> flat(String controller, CgroupPath path, String file) {
        String t = text(controller, path, file);
        return t == null ? Map.of() : KeyedValues.flat(t);
    }

    private OptionalLong limit(String controller, CgroupPath path, String file) {
        String t = text(controller, path, file);
        return t == null ? OptionalLong.empty() : KeyedValues.limit(t);
    }
}
