package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The contract on this machine's layout (v1 plus a hybrid unified mount), and v1's own files. */
class CgroupV1Test extends CgroupManagerContract {

    @Override
    Path buildTree(Path dir) {
        return FakeTrees.v1(dir, true);
    }

    @Override
    String memoryLimitFile() {
        return "memory.limit_in_bytes";
    }

    @Override
    Path memoryDir(CgroupPath path) {
        return root.resolve("memory").resolve(path.relative());
    }

    private String file(String controller, CgroupPath path, String name) {
        return FakeTrees.read(root.resolve(controller).resolve(path.relative()).resolve(name));
    }

    @Test
    void newCpusetsInheritCpusAndMemsAtEveryLevel() {
        PodCgroup pod = createPod("/test/pod1");
        for (CgroupPath p : List.of(pod.path().parent(), pod.path())) {
            assertEquals("0-3", file("cpuset", p, "cpuset.cpus"));
            assertEquals("0", file("cpuset", p, "cpuset.mems"));
        }
    }

    /** Another create made the parent and has not filled it yet: ours must not inherit the emptiness. */
    @Test
    void anEmptyCpusetParentIsFilledBeforeItsChild() throws Exception {
        Path parent = root.resolve("cpuset/test");
        java.nio.file.Files.createDirectory(parent);
        FakeTrees.writeFiles(parent, FakeTrees.v1Files("cpuset", false));
        PodCgroup pod = createPod("/test/pod1");
        assertEquals("0-3", file("cpuset", pod.path().parent(), "cpuset.cpus"));
        assertEquals("0-3", file("cpuset", pod.path(), "cpuset.cpus"));
    }

    @Test
    void appliesV1Files() {
        PodCgroup pod = createPod("/test/pod1");
        manager.apply(pod.path(), CgroupResources.builder().cpuShares(512).cpuQuota(20_000).cpuPeriod(50_000)
                .cpusetCpus("1").cpusetMems("0").memoryLimit(64 * MIB).memorySwapLimit(128 * MIB)
                .pidsLimit(-1).build());
        CgroupPath p = pod.path();
        assertEquals("512", file("cpu", p, "cpu.shares"));
        assertEquals("20000", file("cpu", p, "cpu.cfs_quota_us"));
        assertEquals("50000", file("cpu", p, "cpu.cfs_period_us"));
        assertEquals("1", file("cpuset", p, "cpuset.cpus"));
        assertEquals(Long.toString(64 * MIB), file("memory", p, "memory.limit_in_bytes"));
        assertEquals(Long.toString(128 * MIB), file("memory", p, "memory.memsw.limit_in_bytes"));
        assertEquals("max", file("pids", p, "pids.max"));
    }

    /** memsw ≥ memory must hold after each single write, or the kernel says EINVAL. */
    @Test
    void memoryAndSwapAreWrittenInAnOrderTheKernelAccepts() {
        PodCgroup pod = createPod("/test/pod1");
        String mem = "memory/test/pod1/memory.limit_in_bytes=";
        String memsw = "memory/test/pod1/memory.memsw.limit_in_bytes=";
        manager.apply(pod.path(), CgroupResources.builder().memoryLimit(64 * MIB).memorySwapLimit(64 * MIB).build());
        assertEquals(List.of(mem + 64 * MIB, memsw + 64 * MIB), memoryWrites(), "shrinking: memory first");
        fs.writes().clear();
        manager.apply(pod.path(), CgroupResources.builder().memoryLimit(128 * MIB).memorySwapLimit(256 * MIB)
                .build());
        assertEquals(List.of(memsw + 256 * MIB, mem + 128 * MIB), memoryWrites(), "growing: memsw first");
        fs.writes().clear();
        manager.apply(pod.path(), CgroupResources.builder().memoryLimit(-1).memorySwapLimit(-1).build());
        assertEquals(List.of(memsw + -1, mem + -1), memoryWrites(), "unlimited counts as growing");
    }

    private List<String> memoryWrites() {
        return fs.writes().stream().filter(w -> w.startsWith("memory/")).toList();
    }

    @Test
    void refusesWhatV1CannotDo() {
        PodCgroup pod = createPod("/test/pod1");
        InvalidArgumentException unified = assertThrows(InvalidArgumentException.class, () -> manager.apply(
                pod.path(), CgroupResources.builder().unified(Map.of("memory.high", "1000")).build()));
        assertTrue(unified.getMessage().contains("memory.high"));
        FailedPreconditionException hugetlb = assertThrows(FailedPreconditionException.class, () -> manager.apply(
                pod.path(), CgroupResources.builder().hugepageLimits(Map.of("2MB", 2 * MIB)).build()));
        assertTrue(hugetlb.getMessage().contains("hugetlb"));
    }

    @Test
    void withoutSwapAccountingOnlyARealSwapBudgetFails() {
        PodCgroup pod = createPod("/test/pod1");
        FakeTrees.put(root.resolve("memory/test/pod1/memory.memsw.limit_in_bytes"), "");
        root.resolve("memory/test/pod1/memory.memsw.limit_in_bytes").toFile().delete();
        manager.apply(pod.path(), CgroupResources.builder().memoryLimit(64 * MIB).memorySwapLimit(64 * MIB).build());
        assertEquals(Long.toString(64 * MIB), file("memory", pod.path(), "memory.limit_in_bytes"));
        assertThrows(FailedPreconditionException.class, () -> manager.apply(pod.path(),
                CgroupResources.builder().memoryLimit(64 * MIB).memorySwapLimit(96 * MIB).build()));
    }

    @Test
    void readsV1Stats() {
        PodCgroup pod = createPod("/test/pod1");
        Path mem = root.resolve("memory").resolve(pod.path().relative());
        FakeTrees.put(root.resolve("cpuacct/test/pod1/cpuacct.usage"), "123456789\n");
        FakeTrees.put(mem.resolve("memory.usage_in_bytes"), "10000000\n");
        FakeTrees.put(mem.resolve("memory.stat"), String.join("\n", "cache 1", "rss 2", "inactive_file 5",
                "total_rss 4000000", "total_inactive_file 3000000", "total_pgfault 77", "total_pgmajfault 3",
                "total_swap 4096", "hierarchical_memory_limit 1", ""));
        FakeTrees.put(mem.resolve("memory.limit_in_bytes"), "50000000\n");
        FakeTrees.put(mem.resolve("memory.memsw.limit_in_bytes"), "60000000\n");
        FakeTrees.put(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        FakeTrees.put(mem.resolve("memory.failcnt"), "99\n");
        FakeTrees.put(root.resolve("pids/test/pod1/pids.current"), "7\n");
        CgroupStats s = manager.stats(pod.path());
        assertEquals(123456789, s.cpuUsageNanos());
        assertEquals(10000000, s.memoryUsageBytes());
        assertEquals(7000000, s.workingSetBytes(), "usage minus total_inactive_file");
        assertEquals(4000000, s.rssBytes());
        assertEquals(77, s.pageFaults());
        assertEquals(3, s.majorPageFaults());
        assertEquals(OptionalLong.of(50000000), s.memoryLimitBytes());
        assertEquals(OptionalLong.of(43000000), s.availableBytes());
        assertEquals(4096, s.swapUsageBytes());
        assertEquals(OptionalLong.of(10000000), s.swapLimitBytes());
        assertEquals(7, s.pids());
        assertEquals(2, s.oomKills());
        assertTrue(s.timestampNanos() > 1_600_000_000L * 1_000_000_000L);
    }

    @Test
    void v1StatsEdgeCases() {
        PodCgroup pod = createPod("/test/pod1");
        Path mem = root.resolve("memory").resolve(pod.path().relative());
        FakeTrees.put(mem.resolve("memory.usage_in_bytes"), "1000\n");
        FakeTrees.put(mem.resolve("memory.stat"), "total_inactive_file 5000\n");
        FakeTrees.put(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
        FakeTrees.put(mem.resolve("memory.failcnt"), "4\n");
        CgroupStats s = manager.stats(pod.path());
        assertEquals(0, s.workingSetBytes(), "never negative");
        assertEquals(OptionalLong.empty(), s.memoryLimitBytes(), "the v1 unlimited sentinel");
        assertEquals(OptionalLong.empty(), s.availableBytes());
        assertEquals(4, s.oomKills(), "old kernels: failcnt");
    }
}
