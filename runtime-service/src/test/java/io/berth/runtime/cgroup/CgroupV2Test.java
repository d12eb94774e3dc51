package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The contract on a unified (v2) tree, and the v1 → v2 conversions as they land in files. */
class CgroupV2Test extends CgroupManagerContract {

    @Override
    Path buildTree(Path dir) {
        return FakeTrees.v2(dir);
    }

    @Override
    String memoryLimitFile() {
        return "memory.max";
    }

    @Override
    Path memoryDir(CgroupPath path) {
        return root.resolve(path.relative());
    }

    private String file(CgroupPath path, String name) {
        return FakeTrees.read(root.resolve(path.relative()).resolve(name));
    }

    @Test
    void ancestorsDelegateControllersButThePodDoesNot() {
        PodCgroup pod = createPod("/test/pod1");
        String ours = "cpuset cpu io memory hugetlb pids";
        assertEquals(ours, file(CgroupPath.ROOT, "cgroup.subtree_control"), "rdma is not ours to enable");
        assertEquals(ours, file(pod.path().parent(), "cgroup.subtree_control"));
        assertEquals(ours, file(pod.path(), "cgroup.controllers"));
        assertEquals("", file(pod.path(), "cgroup.subtree_control"),
                "a pod's own tasks could not live in it with controllers enabled");
        long rootWrites = fs.writes().stream().filter(w -> w.startsWith("cgroup.subtree_control=")).count();
        assertEquals(1, rootWrites, "one write for all controllers");
        createPod("/test/pod2");
        assertEquals(1, fs.writes().stream().filter(w -> w.startsWith("cgroup.subtree_control=")).count(),
                "nothing to enable the second time");
    }

    @Test
    void convertsV1RequestsToV2Files() {
        PodCgroup pod = createPod("/test/pod1");
        manager.apply(pod.path(), CgroupResources.builder().cpuShares(1024).cpuQuota(50_000).cpuPeriod(100_000)
                .cpusetCpus("0-1").memoryLimit(64 * MIB).memorySwapLimit(96 * MIB).pidsLimit(50)
                .hugepageLimits(Map.of("2MB", 4 * MIB)).build());
        CgroupPath p = pod.path();
        assertEquals("39", file(p, "cpu.weight"));
        assertEquals("50000 100000", file(p, "cpu.max"));
        assertEquals("0-1", file(p, "cpuset.cpus"));
        assertEquals(Long.toString(64 * MIB), file(p, "memory.max"));
        assertEquals(Long.toString(32 * MIB), file(p, "memory.swap.max"), "swap alone on v2");
        assertEquals("50", file(p, "pids.max"));
        assertEquals(Long.toString(4 * MIB), file(p, "hugetlb.2MB.max"));
    }

    @Test
    void unlimitedValues() {
        PodCgroup pod = createPod("/test/pod1");
        manager.apply(pod.path(), CgroupResources.builder().cpuQuota(-1).memoryLimit(-1).pidsLimit(-1).build());
        assertEquals("max 100000", file(pod.path(), "cpu.max"));
        assertEquals("max", file(pod.path(), "memory.max"));
        assertEquals("max", file(pod.path(), "memory.swap.max"));
        assertEquals("max", file(pod.path(), "pids.max"));
    }

    @Test
    void unifiedKeysWinAndMustExist() {
        PodCgroup pod = createPod("/test/pod1");
        manager.apply(pod.path(), CgroupResources.builder().memoryLimit(64 * MIB)
                .unified(Map.of("memory.max", "12345")).build());
        assertEquals("12345", file(pod.path(), "memory.max"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> manager.apply(pod.path(),
                CgroupResources.builder().unified(Map.of("memory.nonexistent", "1")).build()));
        assertTrue(e.getMessage().contains("memory.nonexistent"));
    }

    @Test
    void aControllerTheHostDoesNotDelegateIsAPreconditionFailure() {
        FakeTrees.put(root.resolve("cgroup.controllers"), "cpu pids");
        PodCgroup pod = createPod("/test/pod1");
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> manager.apply(
                pod.path(), CgroupResources.builder().memoryLimit(MIB).build()));
        assertTrue(e.getMessage().contains("memory"));
        manager.apply(pod.path(), CgroupResources.builder().pidsLimit(5).build());
        assertEquals("5", file(pod.path(), "pids.max"));
    }

    @Test
    void readsV2Stats() {
        PodCgroup pod = createPod("/test/pod1");
        Path dir = root.resolve(pod.path().relative());
        FakeTrees.put(dir.resolve("cpu.stat"), "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\n");
        FakeTrees.put(dir.resolve("memory.current"), "9000000\n");
        FakeTrees.put(dir.resolve("memory.stat"), "anon 4000000\nfile 5000000\ninactive_file 2000000\n"
                + "pgfault 12\npgmajfault 1\n");
        FakeTrees.put(dir.resolve("memory.max"), "10000000\n");
        FakeTrees.put(dir.resolve("memory.swap.current"), "8192\n");
        FakeTrees.put(dir.resolve("memory.swap.max"), "max\n");
        FakeTrees.put(dir.resolve("pids.current"), "3\n");
        FakeTrees.put(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\n");
        CgroupStats s = manager.stats(pod.path());
        assertEquals(5_000_000, s.cpuUsageNanos());
        assertEquals(9_000_000, s.memoryUsageBytes());
        assertEquals(7_000_000, s.workingSetBytes());
        assertEquals(4_000_000, s.rssBytes());
        assertEquals(12, s.pageFaults());
        assertEquals(1, s.majorPageFaults());
        assertEquals(OptionalLong.of(10_000_000), s.memoryLimitBytes());
        assertEquals(OptionalLong.of(3_000_000), s.availableBytes());
        assertEquals(8192, s.swapUsageBytes());
        assertEquals(OptionalLong.empty(), s.swapLimitBytes());
        assertEquals(3, s.pids());
        assertEquals(1, s.oomKills());
    }
}
