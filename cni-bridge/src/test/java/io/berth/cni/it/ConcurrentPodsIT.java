package io.berth.cni.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cni.PodNetwork;
import io.berth.cni.PodNetworkRequest;
import io.berth.cni.PodNetworkResult;
import io.berth.cni.PortMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 20 pods attached and detached at once on one bridge leave nothing behind. */
@Timeout(300)
class ConcurrentPodsIT {

    private static final int PODS = 20;

    @Test
    void twentyConcurrentAddDelPairsLeaveNothing() throws Exception {
        try (TestNet net = new TestNet()) {
            net.writeConflist(l -> { });
            PodNetwork pods = net.podNetwork();
            List<Path> pins = new ArrayList<>();
            for (int i = 0; i < PODS; i++) {
                pins.add(net.newNetns());
            }
            List<String> ids = new ArrayList<>();
            List<Future<String>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                for (int i = 0; i < PODS; i++) {
                    String id = TestNet.newSandboxId();
                    ids.add(id);
                    Path pin = pins.get(i);
                    int hostPort = 51000 + Math.floorMod(id.hashCode(), 9000);
                    results.add(pool.submit(() -> {
                        PodNetworkResult r = pods.setUp(PodNetworkRequest.of(id, "p" + id.substring(0, 8), "ns",
                                "u" + id.substring(0, 8), pin.toString())
                                .withPortMappings(List.of(new PortMapping(hostPort, 80, "tcp", ""))));
                        pods.tearDown(id);
                        return r.primaryIp();
                    }));
                }
                Set<String> ips = new HashSet<>();
                for (Future<String> f : results) {
                    ips.add(f.get());
                }
                assertTrue(ips.stream().allMatch(ip -> ip.startsWith(net.subnetPrefix)), ips.toString());
            }
            assertEquals(List.of(), HostProbe.portsOf(net.bridge));
            assertEquals(List.of(), HostProbe.leases(net.ipamDir, net.network));
            for (String id : ids) {
                assertEquals(List.of(), HostProbe.rulesMentioning(id));
                assertTrue(pods.result(id).isEmpty());
            }
            try (var s = Files.list(net.stateDir.resolve("cni/results"))) {
                assertEquals(0, s.count(), "cache records left");
            }
        }
    }
}
