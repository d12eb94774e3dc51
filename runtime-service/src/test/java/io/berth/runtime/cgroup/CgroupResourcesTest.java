package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CgroupResourcesTest {

    private static final long MIB = 1 << 20;

    @Test
    void overheadGrowsExistingLimits() {
        CgroupResources pod = CgroupResources.builder().cpuShares(512).cpuQuota(50_000).cpuPeriod(100_000)
                .memoryLimit(256 * MIB).memorySwapLimit(256 * MIB).pidsLimit(100)
                .hugepageLimits(Map.of("2MB", 4 * MIB)).cpusetCpus("0").build();
        CgroupResources overhead = CgroupResources.builder().cpuShares(10).cpuQuota(5_000).cpuPeriod(50_000)
                .memoryLimit(32 * MIB).pidsLimit(5).hugepageLimits(Map.of("2MB", 2 * MIB, "1GB", 1L << 30))
                .build();
        CgroupResources sum = pod.plusOverhead(overhead);
        assertEquals(522, sum.cpuShares());
        assertEquals(60_000, sum.cpuQuotaMicros(), "5 ms per 50 ms is 10 ms per 100 ms");
        assertEquals(100_000, sum.cpuPeriodMicros());
        assertEquals(288 * MIB, sum.memoryLimitBytes());
        assertEquals(288 * MIB, sum.memorySwapLimitBytes(), "memsw grows with memory so swap stays 0");
        assertEquals(105, sum.pidsLimit());
        assertEquals(Map.of("2MB", 6 * MIB), sum.hugepageLimits(), "no limit invented for 1GB pages");
        assertEquals("0", sum.cpusetCpus());
    }

    @Test
    void overheadNeverInventsALimit() {
        CgroupResources unlimited = CgroupResources.builder().cpuQuota(-1).memoryLimit(-1).build();
        CgroupResources overhead = CgroupResources.builder().cpuShares(10).cpuQuota(5_000).memoryLimit(MIB)
                .pidsLimit(4).build();
        assertEquals(unlimited, unlimited.plusOverhead(overhead));
        assertEquals(CgroupResources.NONE, CgroupResources.NONE.plusOverhead(overhead));
        assertSame(unlimited, unlimited.plusOverhead(CgroupResources.NONE));
    }

    @Test
    void requestCombinesResourcesAndOverhead() {
        PodCgroupRequest request = new PodCgroupRequest(null, "sb", CgroupResources.builder().memoryLimit(MIB)
                .build(), CgroupResources.builder().memoryLimit(MIB).build());
        assertEquals(2 * MIB, request.effectiveResources().memoryLimitBytes());
        assertEquals("", request.cgroupParent());
        assertTrue(new PodCgroupRequest("", "sb", null, null).effectiveResources().isEmpty());
    }

    static Stream<Supplier<CgroupResources>> invalid() {
        return Stream.of(
                () -> CgroupResources.builder().cpuShares(-5).build(),
                () -> CgroupResources.builder().cpuQuota(-2).build(),
                () -> CgroupResources.builder().memoryLimit(-7).build(),
                () -> CgroupResources.builder().cpusetCpus("0-1; rm").build(),
                () -> CgroupResources.builder().hugepageLimits(Map.of("2XB", 1L)).build(),
                () -> CgroupResources.builder().hugepageLimits(Map.of("../2MB", 1L)).build(),
                () -> CgroupResources.builder().unified(Map.of("../../etc/passwd", "x")).build(),
                () -> CgroupResources.builder().unified(Map.of("cgroup.procs", "1")).build(),
                () -> CgroupResources.builder().unified(Map.of("memory.high", "1\n2")).build());
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsInvalidValues(Supplier<CgroupResources> build) {
        assertThrows(InvalidArgumentException.class, build::get);
    }

    @Test
    void builderRoundTrips() {
        CgroupResources r = CgroupResources.builder().cpuShares(2).cpuQuota(1000).cpuPeriod(10_000)
                .cpusetCpus("0-1").cpusetMems("0").memoryLimit(MIB).memorySwapLimit(2 * MIB).pidsLimit(9)
                .hugepageLimits(Map.of("2MB", MIB)).unified(Map.of("memory.high", "max")).build();
        assertEquals(r, r.toBuilder().build());
    }
}
