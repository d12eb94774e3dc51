package io.berth.cni.it;

import io.berth.cni.PodNetwork;
import io.berth.cni.PodNetworkRequest;
import io.berth.cni.PortMapping;
import io.berth.cni.config.ConfListLoader;
import io.berth.cni.config.NetworkConfigList;
import io.berth.cni.exec.RuntimeConf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Prints p50/p90 of the pod network's two halves on a private bridge:
 * ADD side = netns create + setUp (lo, then bridge + portmap),
 * DEL side = tearDown + netns remove. Not a test: run by hand as root
 * (command in cni-bridge/README.md). Argument: iterations (default 50).
 */
public final class PodNetworkBench {

    private PodNetworkBench() {
    }

    /** Durations of one round's four steps, in nanoseconds. */
    private record Round(long create, long add, long del, long remove) {
    }

    @FunctionalInterface
    private interface Step {
        void run(String id, Path pin) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        List<Round> facade = new ArrayList<>();
        List<Round> bare = new ArrayList<>();
        try (TestNet net = new TestNet()) {
            net.writeConflist(l -> { });
            PodNetwork pods = net.podNetwork();
            NetworkConfigList list = new ConfListLoader(net.confDir).current().orElseThrow();
            List<PortMapping> ports = List.of(new PortMapping(42000, 80, "tcp", ""));
            for (int i = -5; i < n; i++) { // 5 warm-up rounds: JIT, bridge creation
                Round f = round(net, (id, pin) -> pods.setUp(PodNetworkRequest.of(id, "bench", "bench", "u",
                        pin.toString()).withPortMappings(ports)), (id, pin) -> pods.tearDown(id));
                // The same two plugins straight through the executor: no cache, no lo, no locks.
                Round b = round(net, (id, pin) -> pods.executor().add(list, bareConf(id, pin)),
                        (id, pin) -> pods.executor().del(list, bareConf(id, pin), null));
                if (i >= 0) {
                    facade.add(f);
                    bare.add(b);
                }
            }
        }
        System.out.printf("iterations: %d, one pod at a time (bridge + portmap, one host port)%n", n);
        report("PodNetwork (records, lo in-process)", facade);
        report("executor only (same plugins, nothing else)", bare);
        System.out.println("issue floors: ADD side ~14 ms, DEL side ~40 ms (portmap 3 + bridge 35 + netns 2)");
    }

    private static RuntimeConf bareConf(String id, Path pin) {
        return new RuntimeConf(id, pin.toString(), "eth0", List.of(),
                Map.of("portMappings", List.of(Map.of("hostPort", 42000, "containerPort", 80, "protocol", "tcp"))));
    }

    private static Round round(TestNet net, Step add, Step del) throws Exception {
        String id = TestNet.newSandboxId();
        long t0 = System.nanoTime();
        Path pin = net.newNetns();
        long t1 = System.nanoTime();
        add.run(id, pin);
        long t2 = System.nanoTime();
        del.run(id, pin);
        long t3 = System.nanoTime();
        net.netns.remove(pin);
        long t4 = System.nanoTime();
        return new Round(t1 - t0, t2 - t1, t3 - t2, t4 - t3);
    }

    private static void report(String title, List<Round> rounds) {
        System.out.println(title + ":");
        print("  netns create", rounds.stream().map(Round::create).toList());
        print("  CNI ADD", rounds.stream().map(Round::add).toList());
        print("  CNI DEL", rounds.stream().map(Round::del).toList());
        print("  netns remove", rounds.stream().map(Round::remove).toList());
        print("  ADD side total", rounds.stream().map(r -> r.create() + r.add()).toList());
        print("  DEL side total", rounds.stream().map(r -> r.del() + r.remove()).toList());
    }

    private static void print(String what, List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        System.out.printf("%-18s p50 %6.1f ms   p90 %6.1f ms   min %6.1f ms%n", what,
                s.get(s.size() / 2) / 1e6, s.get((int) (s.size() * 0.9)) / 1e6, s.getFirst() / 1e6);
    }
}
