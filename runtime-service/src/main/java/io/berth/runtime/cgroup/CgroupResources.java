package io.berth.runtime.cgroup;

import io.berth.common.error.InvalidArgumentException;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Limits for one cgroup, in the CRI's (and the OCI spec's) vocabulary, which
 * is cgroup v1's; the v2 backend converts. For every number 0 means "leave as
 * it is" and, where the kernel has the notion, -1 means unlimited.
 *
 * @param cpuShares            relative CPU weight, 2..262144 (v2: converted to cpu.weight)
 * @param cpuQuotaMicros       CFS quota per period, -1 unlimited
 * @param cpuPeriodMicros      CFS period
 * @param cpusetCpus           e.g. "0-1,3"; empty leaves it
 * @param cpusetMems           NUMA nodes; empty leaves it
 * @param memoryLimitBytes     hard limit, -1 unlimited
 * @param memorySwapLimitBytes memory plus swap (v1 memsw semantics), -1 unlimited
 * @param pidsLimit            max tasks, -1 unlimited
 * @param hugepageLimits       page size ("2MB", "1GB") to bytes
 * @param unified              raw v2 file name to value, applied last; refused on v1
 */
public record CgroupResources(long cpuShares, long cpuQuotaMicros, long cpuPeriodMicros,
                              String cpusetCpus, String cpusetMems,
                              long memoryLimitBytes, long memorySwapLimitBytes, long pidsLimit,
                              Map<String, Long> hugepageLimits, Map<String, String> unified) {

    // The patterns come first: NONE runs the constructor during class initialisation.
    private static final Pattern CPU_LIST = Pattern.compile("[0-9,\\-]*");
    private static final Pattern PAGE_SIZE = Pattern.compile("[0-9]+[KMG]B");
    private static final Pattern UNIFIED_KEY = Pattern.compile("[a-z0-9_]+\\.[a-zA-Z0-9_.]+");

    public static final CgroupResources NONE = builder().build();

    public CgroupResources {
        cpusetCpus = cpusetCpus == null ? "" : cpusetCpus.strip();
        cpusetMems = cpusetMems == null ? "" : cpusetMems.strip();
        hugepageLimits = hugepageLimits == null ? Map.of() : Map.copyOf(hugepageLimits);
        unified = unified == null ? Map.of() : Map.copyOf(unified);
        check(cpuShares >= 0, "cpu shares", cpuShares);
        check(cpuQuotaMicros >= -1, "cpu quota", cpuQuotaMicros);
        check(cpuPeriodMicros >= 0, "cpu period", cpuPeriodMicros);
        check(memoryLimitBytes >= -1, "memory limit", memoryLimitBytes);
        check(memorySwapLimitBytes >= -1, "memory+swap limit", memorySwapLimitBytes);
        check(pidsLimit >= -1, "pids limit", pidsLimit);
        check(CPU_LIST.matcher(cpusetCpus).matches(), "cpuset cpus", cpusetCpus);
        check(CPU_LIST.matcher(cpusetMems).matches(), "cpuset mems", cpusetMems);
        hugepageLimits.forEach((size, limit) -> {
            check(PAGE_SIZE.matcher(size).matches(), "hugepage size", size);
            check(limit >= 0, "hugepage limit for " + size, limit);
        });
        // A unified key names a file in the cgroup directory: keep it there.
        unified.forEach((key, value) -> {
            check(UNIFIED_KEY.matcher(key).matches() && !key.startsWith("cgroup."), "unified key", key);
            check(value != null && value.indexOf('\n') < 0, "unified value for " + key, value);
        });
    }

    private static void check(boolean ok, String what, Object value) {
        if (!ok) {
            throw new InvalidArgumentException("invalid " + what + ": " + value);
        }
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /**
     * The pod's limits once the RuntimeClass overhead is added. Only limits
     * that exist grow: an unlimited or unset pod stays so, because inventing a
     * limit the size of the overhead would starve the pod.
     */
    public CgroupResources plusOverhead(CgroupResources overhead) {
        if (overhead == null || overhead.isEmpty()) {
            return this;
        }
        Map<String, Long> pages = new TreeMap<>(hugepageLimits);
        overhead.hugepageLimits.forEach((size, extra) -> pages.computeIfPresent(size, (k, v) -> v + extra));
        return new CgroupResources(
                grow(cpuShares, overhead.cpuShares),
                grow(cpuQuotaMicros, scaledQuota(overhead)),
                cpuPeriodMicros, cpusetCpus, cpusetMems,
                grow(memoryLimitBytes, overhead.memoryLimitBytes),
                // memsw counts memory too, so the overhead's memory raises it as well.
                grow(memorySwapLimitBytes, Math.max(0, overhead.memoryLimitBytes)),
                grow(pidsLimit, overhead.pidsLimit),
                pages, unified);
    }

    private static long grow(long base, long extra) {
        return base > 0 && extra > 0 ? base + extra : base;
    }

    /** The overhead's quota expressed in our period, so the two can be added. */
    private long scaledQuota(CgroupResources overhead) {
        if (overhead.cpuQuotaMicros <= 0) {
            return 0;
        }
        long ours = effectivePeriod(cpuPeriodMicros);
        long theirs = effectivePeriod(overhead.cpuPeriodMicros);
        return overhead.cpuQuotaMicros * ours / theirs;
    }

    /** The kernel's default CFS period applies when none is given. */
    static long effectivePeriod(long periodMicros) {
        return periodMicros > 0 ? periodMicros : CgroupConversions.DEFAULT_PERIOD_MICROS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().cpuShares(cpuShares).cpuQuota(cpuQuotaMicros).cpuPeriod(cpuPeriodMicros)
                .cpusetCpus(cpusetCpus).cpusetMems(cpusetMems).memoryLimit(memoryLimitBytes)
                .memorySwapLimit(memorySwapLimitBytes).pidsLimit(pidsLimit)
                .hugepageLimits(hugepageLimits).unified(unified);
    }

    /** Most callers set two or three fields; the builder keeps those calls readable. */
    public static final class Builder {
        private long cpuShares;
        private long cpuQuota;
        private long cpuPeriod;
        private String cpusetCpus = "";
        private String cpusetMems = "";
        private long memoryLimit;
        private long memorySwapLimit;
        private long pidsLimit;
        private Map<String, Long> hugepageLimits = Map.of();
        private Map<String, String> unified = Map.of();

        public Builder cpuShares(long v) { cpuShares = v; return this; }
        public Builder cpuQuota(long v) { cpuQuota = v; return this; }
        public Builder cpuPeriod(long v) { cpuPeriod = v; return this; }
        public Builder cpusetCpus(String v) { cpusetCpus = v; return this; }
        public Builder cpusetMems(String v) { cpusetMems = v; return this; }
        public Builder memoryLimit(long v) { memoryLimit = v; return this; }
        public Builder memorySwapLimit(long v) { memorySwapLimit = v; return this; }
        public Builder pidsLimit(long v) { pidsLimit = v; return this; }
        public Builder hugepageLimits(Map<String, Long> v) { hugepageLimits = v; return this; }
        public Builder unified(Map<String, String> v) { unified = v; return this; }

        public CgroupResources build() {
            return new CgroupResources(cpuShares, cpuQuota, cpuPeriod, cpusetCpus, cpusetMems,
                    memoryLimit, memorySwapLimit, pidsLimit, hugepageLimits, unified);
        }
    }
}
