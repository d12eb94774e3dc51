package io.berth.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.cni.config.DefaultNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * One runtime's CNI network: berthd's default bridge + portmap list, with a
 * name, bridge and /24 of its own, in a conf dir of its own, so the runtimes
 * (and other people's tests on this machine) never share a bridge or a lease.
 */
record BenchNetwork(String name, String bridge, String subnet, Path confDir) {

    private static final SplittableRandom RANDOM = new SplittableRandom();

    static BenchNetwork create(String runId, int index, Path dir) throws IOException {
        String name = "berthbench-" + runId + "-" + index;
        String bridge = "bb" + runId + index;
        String subnet = freeSubnet();
        Path confDir = Files.createDirectories(dir.resolve("cni"));
        byte[] list = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(
                DefaultNetwork.conflist(name, bridge, subnet, dir.resolve("ipam")));
        Files.write(confDir.resolve("10-bench.conflist"), list);
        return new BenchNetwork(name, bridge, subnet, confDir);
    }

    /** "10.x.y." : every address of this network, as iptables rules spell them. */
    String subnetPrefix() {
        return subnet.substring(0, subnet.lastIndexOf('.') + 1);
    }

    /** A 10.x.y.0/24 whose 10.x.0.0/16 no route on this host touches. */
    private static String freeSubnet() {
        String routes = HostCleanup.run("ip", "-4", "route", "show", "table", "all");
        for (int attempt = 0; attempt < 200; attempt++) {
            int x = 200 + RANDOM.nextInt(50);
            if (!routes.contains("10." + x + ".")) {
                return "10." + x + "." + RANDOM.nextInt(1, 255) + ".0/24";
            }
        }
        throw new IllegalStateException("no free 10.x.0.0/16 among 10.200-249 on this host");
    }
}
