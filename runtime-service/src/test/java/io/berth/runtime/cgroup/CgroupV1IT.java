package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cgroup layer on this machine's real cgroup v1 hierarchies (hybrid:
 * v1 controllers, name=systemd, an empty cgroup2 at /sys/fs/cgroup/unified).
 * Every test works below a parent with a random name and removes it, and
 * every process it starts, in {@link #cleanUp}.
 */
class CgroupV1IT {

    private static final long MIB = 1 << 20;
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private final String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private final String testParent = "/berth-test-" + suffix;
    private final String testSlice = "berthtest" + suffix + ".slice";
    private final List<Process> processes = new ArrayList<>();
    private FsCgroupManager manager;

    @BeforeEach
    void setUp() {
        manager = newManager(CgroupDriver.CGROUPFS);
    }

    private static FsCgroupManager newManager(CgroupDriver driver) {
        return FsCgroupManager.create(CgroupSettings.defaults().withDriver(driver)
                .withRemoveTimeout(Duration.ofSeconds(10)));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (String top : List.of(testParent, "/" + testSlice)) {
            CgroupPath path = CgroupPath.parse(top);
            if (manager.exists(path)) {
                CgroupBackend.of(manager.layout(), CgroupFs.system()).remove(path, Duration.ofSeconds(10));
            }
        }
        assertNothingLeft();
    }

    private void assertNothingLeft() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT)) {
            for (Path hierarchy : dirs.toList()) {
                assertFalse(Files.exists(hierarchy.resolve(testParent.substring(1))), hierarchy + testParent);
                assertFalse(Files.exists(hierarchy.resolve(testSlice)), hierarchy + "/" + testSlice);
            }
        }
    }

    @Test
    void detectsThisMachinesHybridLayout() {
        CgroupLayout layout = manager.layout();
        assertEquals(CgroupMode.HYBRID, layout.mode());
        assertEquals(ROOT.resolve("unified"), layout.unified());
        for (String c : List.of("cpu", "cpuacct", "cpuset", "memory", "pids", "blkio", "devices", "freezer")) {
            assertEquals(ROOT.resolve(c), layout.controllers().get(c), c);
        }
        assertEquals(ROOT.resolve("systemd"), layout.controllers().get(CgroupLayout.NAMED_SYSTEMD));
        assertEquals(CgroupDriver.CGROUPFS, CgroupDriver.detect(), "PID 1 here is not systemd");
    }

    @Test
    void podLimitsLandInTheRealFiles() throws Exception {
        CgroupResources resources = CgroupResources.builder().cpuShares(512).cpuQuota(50_000).cpuPeriod(100_000)
                .cpusetCpus("0").cpusetMems("0").memoryLimit(64 * MIB).memorySwapLimit(64 * MIB).pidsLimit(64)
                .build();
        CgroupResources overhead = CgroupResources.builder().memoryLimit(16 * MIB).pidsLimit(4).build();
        PodCgroup pod = manager.createPod(new PodCgroupRequest(testParent + "/pod1", "sb", resources, overhead));
        assertTrue(pod.createdByBerth());
        String rel = pod.path().relative();
        for (Path h : manager.layout().hierarchies()) {
            assertTrue(Files.isDirectory(h.resolve(rel)), h + " has the pod");
        }
        assertEquals("512", read("cpu", rel, "cpu.shares"));
        assertEquals("50000", read("cpu", rel, "cpu.cfs_quota_us"));
        assertEquals("100000", read("cpu", rel, "cpu.cfs_period_us"));
        assertEquals("0", read("cpuset", rel, "cpuset.cpus"));
        assertEquals(Long.toString(80 * MIB), read("memory", rel, "memory.limit_in_bytes"));
        assertEquals(Long.toString(80 * MIB), read("memory", rel, "memory.memsw.limit_in_bytes"));
        assertEquals("68", read("pids", rel, "pids.max"));
        assertEquals(read("cpuset", "", "cpuset.mems"), read("cpuset", testParent.substring(1), "cpuset.mems"),
                "the intermediate cpuset inherited its parent's");

        // Live update, as UpdateContainerResources does: growing memory moves memsw first.
        manager.apply(pod.path(), CgroupResources.builder().memoryLimit(256 * MIB).memorySwapLimit(256 * MIB)
                .cpuQuota(-1).pidsLimit(-1).build());
        assertEquals(Long.toString(256 * MIB), read("memory", rel, "memory.limit_in_bytes"));
        assertEquals("-1", read("cpu", rel, "cpu.cfs_quota_us"));
        assertEquals("max", read("pids", rel, "pids.max"));

        manager.removePod(pod);
        assertFalse(manager.exists(pod.path()));
        assertTrue(manager.exists(CgroupPath.parse(testParent)), "the parent is not the pod's to remove");
        manager.removePod(pod);
    }

    @Test
    void statsOfARealProcess() throws Exception {
        PodCgroup pod = manager.createPod(new PodCgroupRequest(testParent + "/pod1", "sb", null, null));
        CgroupPath container = manager.containerPath(pod, "c1");
        CgroupBackend.of(manager.layout(), CgroupFs.system()).create(container);
        // Waits on stdin so it can be moved before it works; then burns CPU and becomes sleep.
        Process p = start("read go; i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; exec sleep 60");
        manager.addProcess(container, p.pid());
        assertTrue(Files.readString(Path.of("/proc/" + p.pid() + "/cgroup")).contains("memory:" + container));

        CpuRateTracker rates = new CpuRateTracker();
        CgroupStats before = manager.stats(pod.path());
        assertEquals(OptionalLong.empty(), rates.update("pod", before));
        go(p);
        waitFor(() -> comm(p).equals("sleep"), "the burn loop to finish");
        CgroupStats after = manager.stats(pod.path());

        assertTrue(after.cpuUsageNanos() > before.cpuUsageNanos() + 10_000_000, "at least 10 ms of CPU: "
                + before.cpuUsageNanos() + " -> " + after.cpuUsageNanos());
        assertTrue(rates.update("pod", after).orElseThrow() > 0);
        assertTrue(after.memoryUsageBytes() > 0, "exec charged new pages to the cgroup");
        assertTrue(after.workingSetBytes() <= after.memoryUsageBytes());
        // The kernel flushes per-CPU memcg event counters lazily (rate-limited), so a read
        // right after the faults may not show them yet.
        waitFor(() -> manager.stats(pod.path()).pageFaults() > 0, "page faults to show in memory.stat");
        assertEquals(1, after.pids(), "pids.current counts the one task");
        assertEquals(OptionalLong.empty(), after.memoryLimitBytes(), "no limit was set");
        assertEquals(1, manager.processCount(pod.path()), "counted through the container cgroup");
        assertEquals(after.pids(), manager.stats(container).pids(), "the pod aggregates its container");

        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        manager.removePod(pod);
        assertFalse(manager.exists(container));
    }

    @Test
    void oomKillsAreCounted() throws Exception {
        PodCgroup pod = manager.createPod(new PodCgroupRequest(testParent + "/pod1", "sb",
                CgroupResources.builder().memoryLimit(16 * MIB).memorySwapLimit(16 * MIB).build(), null));
        // tail on /dev/zero buffers an endless line: it grows until the limit kills it.
        Process p = start("read go; exec tail /dev/zero");
        manager.addProcess(pod.path(), p.pid());
        go(p);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the hog was killed");
        assertEquals(137, p.exitValue(), "SIGKILL from the OOM killer");
        assertEquals(1, manager.stats(pod.path()).oomKills());
        manager.removePod(pod);
    }

    /** Issue 5 runs 50 pods at once: shared parents must come out usable whoever creates them. */
    @Test
    void concurrentPodsUnderOneFreshParent() throws Exception {
        int pods = 50;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<PodCgroup>> created = new ArrayList<>();
            for (int i = 0; i < pods; i++) {
                String parent = testParent + "/burstable/pod" + i;
                created.add(pool.submit(() -> manager.createPod(new PodCgroupRequest(parent, "sb", null, null))));
            }
            List<Future<?>> removed = new ArrayList<>();
            for (Future<PodCgroup> f : created) {
                PodCgroup pod = f.get();
                assertTrue(pod.createdByBerth());
                assertFalse(read("cpuset", pod.path().relative(), "cpuset.cpus").isEmpty(), pod.path().value());
                removed.add(pool.submit(() -> manager.removePod(pod)));
            }
            for (Future<?> f : removed) {
                f.get();
            }
        }
        try (Stream<Path> left = Files.list(ROOT.resolve("memory").resolve(testParent.substring(1) + "/burstable"))) {
            assertEquals(List.of(), left.filter(Files::isDirectory).toList());
        }
    }

    @Test
    void systemdDriverCreatesTheExpandedSliceThroughCgroupfs() {
        manager = newManager(CgroupDriver.SYSTEMD);
        String slice = testSlice.replace(".slice", "-pod1.slice");
        PodCgroup pod = manager.createPod(new PodCgroupRequest(slice, "sb",
                CgroupResources.builder().memoryLimit(32 * MIB).build(), null));
        assertEquals("/" + testSlice + "/" + slice, pod.path().value());
        assertEquals(Long.toString(32 * MIB), read("memory", pod.path().relative(), "memory.limit_in_bytes"));
        assertEquals(slice + ":berth:c1", manager.ociCgroupsPath(pod, "c1"));
        manager.removePod(pod);
        assertFalse(manager.exists(pod.path()));
    }

    private Process start(String script) throws IOException {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        return p;
    }

    private static void go(Process p) throws IOException {
        OutputStream in = p.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static String comm(Process p) {
        try {
            return Files.readString(Path.of("/proc/" + p.pid() + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String read(String controller, String rel, String file) {
        try {
            return Files.readString(ROOT.resolve(controller).resolve(rel).resolve(file)).strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
