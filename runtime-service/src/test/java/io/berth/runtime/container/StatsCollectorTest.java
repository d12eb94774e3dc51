package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import io.berth.cni.netns.InterfaceCounters;
import io.berth.common.error.NotFoundException;
import io.berth.cri.v1.ContainerStats;
import io.berth.cri.v1.PodSandboxStats;
import io.berth.runtime.cgroup.CgroupPath;
import io.berth.runtime.cgroup.CgroupStats;
import io.berth.runtime.cgroup.CpuRateTracker;
import io.berth.runtime.container.stats.StatsCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsCollectorTest {

    @TempDir
    Path tmp;
    Fixture f;
    StatsCollector stats;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(tmp);
        stats = new StatsCollector(f.cgroups, new CpuRateTracker(), f.layout, id -> Optional.ofNullable(
                f.sandboxes.get(id)), s -> Optional.of(new InterfaceCounters("eth0", 100, 1, 200, 2)));
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    private static CgroupStats sample(long tsNanos, long cpu) {
        return new CgroupStats(tsNanos, cpu, 5000, 4000, 3000, 7, 1, OptionalLong.of(10000), OptionalLong.of(6000),
                0, OptionalLong.empty(), 3, 0);
    }

    @Test
    void cpuRateComesFromTheSampleBeforeAndTheWritableLayerIsMeasured() throws Exception {
        Container c = f.running("web");
        Files.write(f.layout.upper(c.id()).resolve("file"), new byte[1234]);
        when(f.cgroups.stats(CgroupPath.parse("/berth/" + c.id())))
                .thenReturn(sample(1_000_000_000L, 1_000_000_000L), sample(2_000_000_000L, 1_500_000_000L));
        ContainerStats first = stats.container(c);
        assertFalse(first.getCpu().hasUsageNanoCores(), "no rate from one sample");
        ContainerStats second = stats.container(c);
        assertEquals(500_000_000L, second.getCpu().getUsageNanoCores().getValue(), "half a core");
        assertEquals(1_500_000_000L, second.getCpu().getUsageCoreNanoSeconds().getValue());
        assertEquals(4000, second.getMemory().getWorkingSetBytes().getValue());
        assertEquals(6000, second.getMemory().getAvailableBytes().getValue());
        assertEquals(7, second.getMemory().getPageFaults().getValue());
        assertEquals(1234, second.getWritableLayer().getUsedBytes().getValue());
        assertEquals(2, second.getWritableLayer().getInodesUsed().getValue(), "the upper dir and the file");
    }

    @Test
    void aStoppedContainerHasOnlyItsWritableLayerAndAGoneCgroupIsNoError() {
        Container c = f.create("web");
        assertFalse(stats.container(c).hasCpu());
        Container r = f.running("other");
        when(f.cgroups.stats(any())).thenThrow(new NotFoundException("gone"));
        assertFalse(stats.container(r).hasCpu());
    }

    @Test
    void podStatsAggregateTheNetnsCountersProcessesAndEachContainer() {
        Container c = f.running("web");
        when(f.cgroups.stats(any())).thenReturn(sample(1_000_000_000L, 42));
        when(f.cgroups.processCount(any())).thenReturn(3);
        PodSandboxStats p = stats.pod(f.sandboxes.get(Fixture.POD), List.of(c));
        assertEquals(42, p.getLinux().getCpu().getUsageCoreNanoSeconds().getValue());
        assertEquals(3, p.getLinux().getProcess().getProcessCount().getValue());
        assertEquals(100, p.getLinux().getNetwork().getDefaultInterface().getRxBytes().getValue());
        assertEquals(200, p.getLinux().getNetwork().getDefaultInterface().getTxBytes().getValue());
        assertEquals(c.id(), p.getLinux().getContainers(0).getAttributes().getId());
        assertTrue(p.getAttributes().getId().equals(Fixture.POD));
    }
}
