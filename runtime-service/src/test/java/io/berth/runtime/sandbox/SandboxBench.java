package io.berth.runtime.sandbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Creates, stops and removes pods one at a time on the real node (as root)
 * and prints the p50 and p90 of each RPC's core, as issue 5's numbers ask.
 * Not a test: run it by hand, e.g. with {@code -Dpods=100}; {@code -Dhostnet=true}
 * leaves CNI out, which shows berth's own share.
 */
public final class SandboxBench {

    private SandboxBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("pods", 100);
        boolean hostNet = Boolean.getBoolean("hostnet");
        // -Duserns=true: each pod gets its own user namespace (userns_options POD), made before the rest.
        boolean userns = Boolean.getBoolean("userns");
        RealPods pods = new RealPods();
        SandboxService svc = pods.newService();
        List<Long> run = new ArrayList<>();
        List<Long> stop = new ArrayList<>();
        List<Long> remove = new ArrayList<>();
        List<Long> status = new ArrayList<>();
        PodSandboxStatusHandler statusHandler = new PodSandboxStatusHandler(svc);
        try {
            for (int i = 0; i < n + 5; i++) {
                var config = hostNet ? pods.config("bench" + i).setLinux(SandboxFixture.linux(
                        io.berth.cri.v1.NamespaceMode.NODE, io.berth.cri.v1.NamespaceMode.CONTAINER,
                        io.berth.cri.v1.NamespaceMode.POD)) : pods.config("bench" + i);
                if (userns) {
                    var range = io.berth.cri.v1.IDMapping.newBuilder().setContainerId(0)
                            .setHostId(2_100_000_000 + (i % 1000) * 65536).setLength(65536).build();
                    config.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder()
                            .setUsernsOptions(io.berth.cri.v1.UserNamespace.newBuilder()
                                    .setMode(io.berth.cri.v1.NamespaceMode.POD).addUids(range).addGids(range));
                }
                long t0 = System.nanoTime();
                Sandbox s = svc.run(config.build(), "");
                long t1 = System.nanoTime();
                statusHandler.handle(io.berth.cri.v1.PodSandboxStatusRequest.newBuilder().setPodSandboxId(s.id())
                        .build());
                long ts = System.nanoTime() - t1;
                t1 = System.nanoTime();
                svc.stop(s.id());
                long t2 = System.nanoTime();
                svc.remove(s.id());
                long t3 = System.nanoTime();
                if (i >= 5) { // the first few warm up the JIT
                    run.add(t1 - t0);
                    stop.add(t2 - t1);
                    remove.add(t3 - t2);
                    status.add(ts);
                }
            }
            System.out.printf("%d pods: RunPodSandbox %s, PodSandboxStatus (handler only) %s, StopPodSandbox %s,"
                    + " RemovePodSandbox %s%n", n, percentiles(run), percentiles(status), percentiles(stop),
                    percentiles(remove));
        } finally {
            pods.close(svc);
        }
    }

    private static String percentiles(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return String.format("p50 %.2f ms p90 %.2f ms", s.get(s.size() / 2) / 1e6, s.get(s.size() * 9 / 10) / 1e6);
    }
}
