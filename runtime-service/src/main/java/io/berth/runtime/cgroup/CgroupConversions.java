package io.berth.runtime.cgroup;

import io.berth.common.error.InvalidArgumentException;
import java.util.OptionalLong;

/**
 * The v1 → v2 translations the ecosystem agreed on (runc, crun, the kubelet
 * all use the same formulas), so a pod gets the same share of the machine
 * whichever cgroup version the node runs. Public because the OCI spec
 * generator needs the same numbers for {@code linux.resources.unified}.
 */
public final class CgroupConversions {

    /** The kernel's default CFS period (100 ms). */
    public static final long DEFAULT_PERIOD_MICROS = 100_000;
    public static final long MIN_SHARES = 2;
    public static final long MAX_SHARES = 262_144;

    private CgroupConversions() {
    }

    /**
     * Maps cpu.shares [2, 262144] linearly onto cpu.weight [1, 10000]:
     * {@code 1 + ((shares - 2) * 9999) / 262142}. 0 stays 0 (unset).
     */
    public static long sharesToWeight(long shares) {
        if (shares == 0) {
            return 0;
        }
        long clamped = Math.clamp(shares, MIN_SHARES, MAX_SHARES);
        return 1 + ((clamped - 2) * 9999) / 262_142;
    }

    /**
     * The cpu.max line: {@code "quota period"}, or {@code "max period"} when the
     * quota is unlimited; null when neither is set.
     */
    public static String cpuMax(long quotaMicros, long periodMicros) {
        if (quotaMicros == 0 && periodMicros == 0) {
            return null;
        }
        long period = CgroupResources.effectivePeriod(periodMicros);
        return (quotaMicros > 0 ? Long.toString(quotaMicros) : "max") + " " + period;
    }

    /**
     * memory.swap.max from the v1 memory+swap limit: v2 limits swap alone, so it
     * is the difference. -1 means "max"; empty means leave it as it is.
     */
    public static OptionalLong swapMax(long memorySwapLimit, long memoryLimit) {
        if (memorySwapLimit == 0) {
            // Unlimited memory without a swap setting means unlimited swap, as on v1.
            return memoryLimit == -1 ? OptionalLong.of(-1) : OptionalLong.empty();
        }
        if (memorySwapLimit == -1) {
            return OptionalLong.of(-1);
        }
        if (memoryLimit <= 0) {
            throw new InvalidArgumentException("a memory+swap limit (" + memorySwapLimit
                    + ") needs a memory limit");
        }
        if (memorySwapLimit < memoryLimit) {
            throw new InvalidArgumentException("memory+swap limit " + memorySwapLimit
                    + " is below the memory limit " + memoryLimit);
        }
        return OptionalLong.of(memorySwapLimit - memoryLimit);
    }

    /** The literal a v2 file takes for a limit where -1 means unlimited. */
    static String v2Limit(long value) {
        return value == -1 ? "max" : Long.toString(value);
    }
}
