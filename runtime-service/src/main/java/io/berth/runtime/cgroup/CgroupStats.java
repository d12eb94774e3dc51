package io.berth.runtime.cgroup;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * One sample of a cgroup's usage, in the units the CRI reports. Counters the
 * host does not offer (a missing controller) read as 0; limits that do not
 * exist are empty.
 *
 * @param timestampNanos    wall clock at the read, Unix epoch nanoseconds (CRI timestamps)
 * @param cpuUsageNanos     cumulative CPU time of every task, descendants included
 * @param memoryUsageBytes  current usage, page cache included
 * @param workingSetBytes   usage minus inactive file pages, never negative: what the
 *                          kubelet evicts on
 * @param rssBytes          anonymous memory
 * @param pageFaults        cumulative page faults
 * @param majorPageFaults   cumulative major page faults
 * @param memoryLimitBytes  the hard limit, empty when unlimited
 * @param availableBytes    limit minus working set, empty when unlimited
 * @param swapUsageBytes    swap in use
 * @param swapLimitBytes    the swap limit alone (not memory+swap), empty when unlimited or unknown
 * @param pids              tasks in the cgroup (pids.current)
 * @param oomKills          OOM kills inside the cgroup; on v1 kernels without an oom_kill
 *                          counter this is memory.failcnt, which counts limit hits and
 *                          so over-reports
 */
public record CgroupStats(long timestampNanos, long cpuUsageNanos,
                          long memoryUsageBytes, long workingSetBytes, long rssBytes,
                          long pageFaults, long majorPageFaults,
                          OptionalLong memoryLimitBytes, OptionalLong availableBytes,
                          long swapUsageBytes, OptionalLong swapLimitBytes,
                          long pids, long oomKills) {

    /** Wall-clock now in Unix epoch nanoseconds, as the CRI's timestamps are. */
    static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Working set as the kubelet defines it: usage − inactive file, floored at 0. */
    static long workingSet(long usage, long inactiveFile) {
        return Math.max(0, usage - inactiveFile);
    }

    static OptionalLong available(OptionalLong limit, long workingSet) {
        return limit.isPresent() ? OptionalLong.of(Math.max(0, limit.getAsLong() - workingSet)) : OptionalLong.empty();
    }
}
