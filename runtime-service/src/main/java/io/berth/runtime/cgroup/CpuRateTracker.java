package io.berth.runtime.cgroup;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CRI's {@code usage_nano_cores} is a rate, but cgroups only keep a cumulative
 * counter, so the rate comes from the previous sample of the same cgroup. One
 * tracker per daemon, keyed by container or sandbox id; callers forget ids they
 * remove so the map does not grow.
 */
public final class CpuRateTracker {

    private record Sample(long usageNanos, long timestampNanos) {
    }

    private final Map<String, Sample> last = new ConcurrentHashMap<>();

    /**
     * Records a sample and returns the rate since the previous one, in
     * nanoseconds of CPU per second (1e9 = one core busy). Empty for the first
     * sample, a sample no newer than the last, or a counter that went backwards
     * (the cgroup was recreated).
     */
    public OptionalLong update(String id, long usageNanos, long timestampNanos) {
        Sample now = new Sample(usageNanos, timestampNanos);
        Sample[] previous = new Sample[1];
        last.compute(id, (k, old) -> {
            if (old != null && timestampNanos <= old.timestampNanos) {
                previous[0] = null;
                return old; // an older or duplicate sample must not replace a newer one
            }
            previous[0] = old;
            return now;
        });
        Sample before = previous[0];
        if (before == null || usageNanos < before.usageNanos) {
            return OptionalLong.empty();
        }
        long elapsed = timestampNanos - before.timestampNanos;
        double rate = (double) (usageNanos - before.usageNanos) * 1e9 / elapsed;
        return OptionalLong.of(Math.round(rate));
    }

    public OptionalLong update(String id, CgroupStats stats) {
        return update(id, stats.cpuUsageNanos(), stats.timestampNanos());
    }

    public void forget(String id) {
        last.remove(id);
    }
}
