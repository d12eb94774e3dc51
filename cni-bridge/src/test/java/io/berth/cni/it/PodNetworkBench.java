package io.berth.cni.it;

import io.berth.cni.PodNetwork;
import io.berth.cni.PodNetworkRequest;
import io.berth.cni.PortMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Prints p50/p90 of the pod network's two halves on a private bridge:
 * ADD side = netns create + setUp (bridge + portmap, lo alongside),
 * DEL side = tearDown + netns remove. Not a test: run by hand as root
 * (command in cni-bridge/README.md). Argument: iterations (default 50).
 */
public final class PodNetworkBench {

    private PodNetworkBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        List<Long> create = new ArrayList<>();
        List<Long> add = new ArrayList<>();
        List<Long> del = new ArrayList<>();
        List<Long> remove = new ArrayList<>();
        try (TestNet net = new TestNet()) {
            net.writeConflist(l -> { });
            PodNetwork pods = net.podNetwork();
            for (int i = -5; i < n; i++) { // 5 warm-up rounds: JIT, bridge creation
                String id = TestNet.newSandboxId();
                long t0 = System.nanoTime();
                Path pin = net.newNetns();
                long t1 = System.nanoTime();
                pods.setUp(PodNetworkRequest.of(id, "bench", "bench", "u" + i, pin.toString())
                        .withPortMappings(List.of(new PortMapping(42000, 80, "tcp", ""))));
                long t2 = System.nanoTime();
                pods.tearDown(id);
                long t3 = System.nanoTime();
                net.netns.remove(pin);
                long t4 = System.nanoTime();
                if (i >= 0) {
                    create.add(t1 - t0);
                    add.add(t2 - t1);
                    del.add(t3 - t2);
                    remove.add(t4 - t3);
                }
            }
        }
        System.out.printf("iterations: %d (bridge + portmap, one host port; lo via loopback in parallel)%n", n);
        print("netns create", create);
        print("CNI ADD (setUp)", add);
        print("CNI DEL (tearDown)", del);
        print("netns remove", remove);
        print("ADD side total", sum(create, add));
        System.out.println("  floor from the issue: ~14 ms");
        print("DEL side total", sum(del, remove));
        System.out.println("  floor from the issue: ~40 ms (portmap 3 + bridge 35 + netns 2)");
    }

    private static List<Long> sum(List<Long> a, List<Long> b) {
        List<Long> s = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            s.add(a.get(i) + b.get(i));
        }
        return s;
    }

    private static void print(String what, List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        System.out.printf("%-20s p50 %6.1f ms   p90 %6.1f ms   min %6.1f ms%n", what,
                s.get(s.size() / 2) / 1e6, s.get((int) (s.size() * 0.9)) / 1e6, s.getFirst() / 1e6);
    }
}
