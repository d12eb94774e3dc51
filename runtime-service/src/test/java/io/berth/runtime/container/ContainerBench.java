package io.berth.runtime.container;

import io.berth.runtime.sandbox.Sandbox;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Issue 6's numbers on the real node (as root): in one pod, one container at a
 * time, CreateContainer, StartContainer, StopContainer (a process that exits on
 * SIGTERM), RemoveContainer and ContainerStatus; then ListContainers over 500
 * containers. Prints p50 and p90 of each service call. Not a test: run it by hand
 * (runtime-service/README.md, "Container benchmark"), e.g. with {@code -Dcontainers=100};
 * {@code -Dsettle=true} waits (untimed) for each removed container's background
 * teardown before the next create, to see what that overlap costs.
 */
public final class ContainerBench {

    private static final String TERM_EXITS = "trap 'exit 0' TERM; sleep 1000 & wait";
    /** What the kubelet sends for a pod that does not share its PID namespace (e2e bench likewise). */
    private static final io.berth.cri.v1.LinuxContainerConfig OWN_PID = io.berth.cri.v1.LinuxContainerConfig
            .newBuilder().setSecurityContext(io.berth.cri.v1.LinuxContainerSecurityContext.newBuilder()
                    .setNamespaceOptions(io.berth.cri.v1.NamespaceOption.newBuilder()
                            .setPid(io.berth.cri.v1.NamespaceMode.CONTAINER))).build();

    private ContainerBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("containers", 100);
        int listed = Integer.getInteger("listed", 500);
        boolean settle = Boolean.getBoolean("settle");
        List<List<Long>> t = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            t.add(new ArrayList<>());
        }
        try (World w = new World()) {
            Sandbox pod = w.runPod("bench");
            long[] cpu0 = new long[2];
            for (int i = 0; i < n + 5; i++) {
                if (i == 5) {
                    cpu0 = cpuTicks();
                }
                long t0 = System.nanoTime();
                Container c = w.create(pod, w.container("b" + i, TERM_EXITS).setLinux(OWN_PID));
                long t1 = System.nanoTime();
                w.containers.start(c.id());
                long t2 = System.nanoTime();
                w.containers.require(c.id());
                ContainerProtos.status(w.containers.require(c.id()));
                long t3 = System.nanoTime();
                Thread.sleep(50); // let the shell install its trap, as a real workload would have
                long t4 = System.nanoTime();
                w.containers.stop(c.id(), 10);
                long t5 = System.nanoTime();
                w.containers.remove(c.id());
                long t6 = System.nanoTime();
                if (settle) {
                    // Untimed: lets the next create run without this one's teardown beside it.
                    w.containers.awaitTeardowns(java.time.Duration.ofSeconds(30));
                }
                if (i >= 5) { // the first few warm up the JIT
                    t.get(0).add(t1 - t0);
                    t.get(1).add(t2 - t1);
                    t.get(2).add(t5 - t4);
                    t.get(3).add(t6 - t5);
                    t.get(4).add(t3 - t2);
                }
            }
            w.containers.awaitTeardowns(java.time.Duration.ofSeconds(60));
            long[] cpu1 = cpuTicks();
            for (int i = 0; i < listed; i++) {
                w.create(pod, w.container("l" + i, "true"));
            }
            for (int i = 0; i < 105; i++) {
                long t0 = System.nanoTime();
                w.containers.list(ContainerService.Filter.ALL).forEach(ContainerProtos::summary);
                long t1 = System.nanoTime();
                if (i >= 5) {
                    t.get(5).add(t1 - t0);
                }
            }
            String[] names = {"CreateContainer", "StartContainer", "StopContainer", "RemoveContainer",
                "ContainerStatus", "ListContainers(" + listed + ")"};
            System.out.printf("%-22s %10s %10s%n", "call (" + n + " runs)", "p50 ms", "p90 ms");
            for (int i = 0; i < names.length; i++) {
                System.out.printf(Locale.ROOT, "%-22s %10.2f %10.2f%n", names[i], pct(t.get(i), 50),
                        pct(t.get(i), 90));
            }
            // Load-independent: what one lifecycle cost in CPU, this JVM and the processes it
            // waited for (runc delete, kill); the shims and their runc run are not its children.
            System.out.printf(Locale.ROOT, "cpu per lifecycle: %.1f ms in the JVM, %.1f ms in reaped children%n",
                    (cpu1[0] - cpu0[0]) * 10.0 / n, (cpu1[1] - cpu0[1]) * 10.0 / n);
        }
    }

    /** utime+stime and cutime+cstime of this process, in clock ticks (100 per second here). */
    private static long[] cpuTicks() throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]),
            Long.parseLong(f[13]) + Long.parseLong(f[14])};
    }

    private static double pct(List<Long> v, int p) {
        List<Long> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, s.size() * p / 100)) / 1e6;
    }
}
