package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.HugepageLimit;
import io.berth.cri.v1.LinuxContainerResources;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CriResourcesTest {

    @Test
    void everyFieldCarriesOver() {
        LinuxContainerResources cri = LinuxContainerResources.newBuilder().setCpuShares(256).setCpuQuota(20_000)
                .setCpuPeriod(100_000).setCpusetCpus("0-1").setCpusetMems("0").setMemoryLimitInBytes(1 << 26)
                .setMemorySwapLimitInBytes(1 << 27)
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(1 << 22))
                .putUnified("memory.high", "60000000").build();
        CgroupResources expected = CgroupResources.builder().cpuShares(256).cpuQuota(20_000).cpuPeriod(100_000)
                .cpusetCpus("0-1").cpusetMems("0").memoryLimit(1 << 26).memorySwapLimit(1 << 27)
                .hugepageLimits(Map.of("2MB", 1L << 22)).unified(Map.of("memory.high", "60000000")).build();
        assertEquals(expected, CriResources.from(cri));
    }

    @Test
    void absentOrEmptyMeansNoLimits() {
        assertSame(CgroupResources.NONE, CriResources.from(null));
        assertEquals(CgroupResources.NONE, CriResources.from(LinuxContainerResources.getDefaultInstance()));
    }

    @Test
    void podAddsOverhead() {
        LinuxContainerResources pod = LinuxContainerResources.newBuilder().setMemoryLimitInBytes(100).build();
        LinuxContainerResources overhead = LinuxContainerResources.newBuilder().setMemoryLimitInBytes(20).build();
        assertEquals(120, CriResources.pod(pod, overhead).memoryLimitBytes());
        assertEquals(100, CriResources.pod(pod, null).memoryLimitBytes());
    }

    @Test
    void badValuesAreInvalidArguments() {
        assertThrows(InvalidArgumentException.class, () -> CriResources.from(
                LinuxContainerResources.newBuilder().setMemoryLimitInBytes(-5).build()));
        HugepageLimit twoMb = HugepageLimit.newBuilder().setPageSize("2MB").setLimit(1).build();
        assertThrows(InvalidArgumentException.class, () -> CriResources.from(
                LinuxContainerResources.newBuilder().addHugepageLimits(twoMb).addHugepageLimits(twoMb).build()));
    }
}
