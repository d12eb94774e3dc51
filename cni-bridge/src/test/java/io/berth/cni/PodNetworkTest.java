package io.berth.cni;

import static io.berth.cni.exec.FakePluginInvoker.fail;
import static io.berth.cni.exec.FakePluginInvoker.ok;
import static io.berth.cni.exec.FakePluginInvoker.stdin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cni.config.DefaultNetwork;
import io.berth.cni.exec.FakePluginInvoker;
import io.berth.cni.exec.PluginCall;
import io.berth.cni.spec.CniCommand;
import io.berth.cni.spec.CniPluginException;
import io.berth.common.error.FailedPreconditionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodNetworkTest {

    private static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;

    private final FakePluginInvoker fake = new FakePluginInvoker("bridge", "host-local", "portmap");
    private final List<Path> loUps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> masqSweeps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final MasqueradeRules masq = (network, id, ipv6) -> masqSweeps.add(network + " " + id + " " + ipv6);

    private CniConfig config(boolean defaultNetwork) {
        return new CniConfig(tmp.resolve("net.d"), List.of(tmp.resolve("bin")), defaultNetwork,
                Duration.ofSeconds(3), tmp.resolve("netns"));
    }

    private PodNetwork withDefaultNetwork() {
        return new PodNetwork(config(true), tmp.resolve("state"), fake, loUps::add, masq);
    }

    private static PodNetworkRequest request() {
        return new PodNetworkRequest(ID, "web", "shop", "uid-1", "/run/netns/berth-0123",
                List.of(new PortMapping(8080, 80, "TCP", ""), new PortMapping(0, 81, "udp", ""),
                        new PortMapping(5353, 53, "udp", "127.0.0.1")),
                new PodDns(List.of("10.96.0.10"), List.of("shop.svc.cluster.local"), List.of("ndots:5")),
                Map.of(Bandwidth.INGRESS_ANNOTATION, "10M"), List.of("10.244.3.0/24"));
    }

    private List<PluginCall> eth0Calls(CniCommand command) {
        return fake.calls(command).stream().filter(c -> "eth0".equals(c.env().get("CNI_IFNAME"))).toList();
    }

    @Test
    void setUpPassesKubernetesArgsAndCapabilities() {
        PodNetworkResult r = withDefaultNetwork().setUp(request());
        assertEquals("10.9.0.7", r.primaryIp());
        assertEquals(DefaultNetwork.NETWORK_NAME, r.network());
        PluginCall bridge = eth0Calls(CniCommand.ADD).getFirst();
        assertEquals("IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=" + ID
                + ";K8S_POD_UID=uid-1", bridge.env().get("CNI_ARGS"));
        assertEquals(ID, bridge.env().get("CNI_CONTAINERID"));
        assertFalse(stdin(bridge).has("runtimeConfig"), "the bridge declares no capabilities");
        JsonNode pm = stdin(eth0Calls(CniCommand.ADD).get(1)).at("/runtimeConfig/portMappings");
        assertEquals(2, pm.size(), "a mapping without a host port does not reach portmap");
        assertEquals("tcp", pm.get(0).get("protocol").asText());
        assertFalse(pm.get(0).has("hostIP"));
        assertEquals("127.0.0.1", pm.get(1).get("hostIP").asText());
        assertEquals(5353, pm.get(1).get("hostPort").asInt());
        assertEquals(List.of(Path.of("/run/netns/berth-0123")), loUps, "lo is brought up in the pod's netns");
    }

    @Test
    void otherCapabilitiesReachPluginsThatDeclareThem() throws Exception {
        Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(tmp.resolve("net.d/10-caps.conflist"), """
                {"cniVersion":"1.0.0","name":"caps","plugins":[{"type":"bridge",
                  "capabilities":{"dns":true,"bandwidth":true,"ipRanges":true,"portMappings":true}}]}""");
        new PodNetwork(config(false), tmp.resolve("state"), fake, loUps::add, masq).setUp(request());
        JsonNode rc = stdin(eth0Calls(CniCommand.ADD).getFirst()).get("runtimeConfig");
        assertEquals("10.96.0.10", rc.at("/dns/servers/0").asText());
        assertEquals("shop.svc.cluster.local", rc.at("/dns/searches/0").asText());
        assertEquals("ndots:5", rc.at("/dns/options/0").asText());
        assertEquals(10_000_000L, rc.at("/bandwidth/ingressRate").asLong());
        assertTrue(rc.at("/bandwidth/ingressBurst").asLong() > 0);
        assertFalse(rc.get("bandwidth").has("egressRate"));
        assertEquals("10.244.3.0/24", rc.at("/ipRanges/0/0/subnet").asText());
    }

    @Test
    void tearDownUsesTheCachedResultAfterARestartAndIsIdempotent() {
        withDefaultNetwork().setUp(request());
        fake.calls.clear();
        PodNetwork restarted = new PodNetwork(config(true), tmp.resolve("state"), fake, loUps::add, masq);
        assertEquals("10.9.0.7", restarted.result(ID).orElseThrow().primaryIp());
        restarted.tearDown(ID);
        List<PluginCall> dels = fake.calls(CniCommand.DEL);
        assertEquals(List.of("portmap", "bridge"), dels.stream().map(PluginCall::type).toList());
        assertEquals("10.9.0.7/24", stdin(dels.getFirst()).at("/prevResult/ips/0/address").asText());
        assertEquals(8080, stdin(dels.getFirst()).at("/runtimeConfig/portMappings/0/hostPort").asInt(),
                "DEL gets the same runtimeConfig as ADD");
        assertEquals("", dels.getFirst().env().get("CNI_NETNS"), "the netns is gone, so none is passed");
        // Without the netns bridge cannot find what to un-masquerade: its rules go by their comment.
        assertEquals(List.of(DefaultNetwork.NETWORK_NAME + " " + ID + " false"), masqSweeps);
        restarted.tearDown(ID);
        restarted.tearDown("unknown");
        assertEquals(2, fake.calls(CniCommand.DEL).size());
        assertEquals(1, masqSweeps.size(), "nothing left to sweep on a second tearDown");
        assertTrue(restarted.result(ID).isEmpty());
    }

    @Test
    void aSecondSetUpWithoutTearDownIsRefused() {
        PodNetwork pods = withDefaultNetwork();
        pods.setUp(request());
        int calls = fake.calls.size();
        assertThrows(io.berth.common.error.AlreadyExistsException.class, () -> pods.setUp(request()));
        assertEquals(calls, fake.calls.size(), "no plugin ran");
        pods.tearDown(ID);
        pods.setUp(request());
    }

    @Test
    void aLoopbackFailureUndoesTheAddAndLeavesNoRecord() {
        PodNetwork pods = new PodNetwork(config(true), tmp.resolve("state"), fake, netns -> {
            throw new java.io.IOException("setns: no such namespace");
        }, masq);
        var e = assertThrows(io.berth.common.error.InternalException.class, () -> pods.setUp(request()));
        assertTrue(e.getMessage().contains(ID) && e.getMessage().contains("lo"), e.getMessage());
        // lo comes up while the chain runs, so the chain ran and was DELeted again.
        assertEquals(List.of("portmap", "bridge"), fake.calls(CniCommand.DEL).stream().map(PluginCall::type).toList());
        assertTrue(pods.result(ID).isEmpty());
        assertEquals(2, fake.calls(CniCommand.ADD).size(), "bridge and portmap ADD once each");
    }

    @Test
    void portmapDoesNotRunForAPodWithoutHostPorts() {
        PodNetwork pods = withDefaultNetwork();
        PodNetworkResult r = pods.setUp(request().withPortMappings(List.of(new PortMapping(0, 80, "TCP", ""))));
        assertEquals("10.9.0.7", r.primaryIp(), "the chain's result is bridge's");
        pods.check(ID);
        pods.tearDown(ID);
        for (CniCommand c : List.of(CniCommand.ADD, CniCommand.CHECK, CniCommand.DEL)) {
            assertEquals(List.of("bridge"), eth0Calls(c).stream().map(PluginCall::type).toList(), c.name());
        }
    }

    @Test
    void aFailedAddLeavesNoRecordAndNamesThePlugin() {
        fake.script("portmap", c -> c.command() == CniCommand.ADD
                ? fail(1, "{\"code\":100,\"msg\":\"port 8080 taken\"}", "") : ok(""));
        PodNetwork pods = withDefaultNetwork();
        CniPluginException e = assertThrows(CniPluginException.class, () -> pods.setUp(request()));
        assertTrue(e.getMessage().contains("portmap") && e.getMessage().contains("port 8080 taken"));
        assertTrue(pods.result(ID).isEmpty());
        assertEquals(2, eth0Calls(CniCommand.DEL).size(), "both plugins were DELeted in the rollback");
        fake.calls.clear();
        pods.tearDown(ID);
        assertTrue(fake.calls.isEmpty());
    }

    @Test
    void aFailedRollbackKeepsTheRecordSoTearDownRetries() {
        fake.script("portmap", c -> fail(1, "{\"code\":100,\"msg\":\"iptables locked\"}", ""));
        PodNetwork pods = withDefaultNetwork();
        assertThrows(CniPluginException.class, () -> pods.setUp(request()));
        fake.script("portmap", c -> ok(""));
        fake.calls.clear();
        pods.tearDown(ID);
        assertEquals(List.of("portmap", "bridge"), fake.calls(CniCommand.DEL).stream().map(PluginCall::type).toList());
    }

    @Test
    void theAttachmentIsRecordedBeforeAddRuns() {
        Path record = tmp.resolve("state/cni/results/berth-" + ID + "-eth0.json");
        List<Boolean> seen = new java.util.ArrayList<>();
        fake.script("bridge", c -> {
            if (c.command() == CniCommand.ADD) {
                seen.add(Files.exists(record));
                throw new io.berth.common.error.DeadlineExceededException("bridge killed, as if berthd died");
            }
            return ok("");
        });
        assertThrows(io.berth.common.error.DeadlineExceededException.class, () -> withDefaultNetwork().setUp(request()));
        assertEquals(List.of(true), seen);
    }

    @Test
    void ipv4IsPrimaryAndIpv6Additional() {
        fake.script("bridge", c -> c.command() == CniCommand.ADD ? ok("""
                {"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/n"}],
                 "ips":[{"address":"fd00::7/64","interface":0},{"address":"10.9.0.8/24","interface":0}]}""") : ok(""));
        PodNetworkResult r = withDefaultNetwork().setUp(request());
        assertEquals("10.9.0.8", r.primaryIp());
        assertEquals(List.of("fd00::7"), r.additionalIps());
    }

    @Test
    void statusWritesTheDefaultNetworkAndIsReady() {
        NetworkStatus s = withDefaultNetwork().status();
        assertEquals(NetworkStatus.ok(), s);
        assertTrue(Files.exists(tmp.resolve("net.d").resolve(DefaultNetwork.FILE_NAME)));
    }

    @Test
    void statusReasons() throws Exception {
        PodNetwork pods = new PodNetwork(config(false), tmp.resolve("state"), fake, loUps::add, masq);
        assertEquals(NetworkStatus.NO_CNI_CONFIG, pods.status().reason());
        assertThrows(FailedPreconditionException.class, () -> pods.setUp(request()));

        Path bad = tmp.resolve("net.d/10-bad.conflist");
        Files.createDirectories(bad.getParent());
        Files.writeString(bad, "{not json");
        NetworkStatus invalid = pods.status();
        assertEquals(NetworkStatus.INVALID_CONFIG, invalid.reason());
        assertTrue(invalid.message().contains("10-bad.conflist"), invalid.message());

        Files.writeString(bad, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\","
                + "\"ipam\":{\"type\":\"whereabouts\"}}]}");
        NetworkStatus missing = pods.status();
        assertEquals(NetworkStatus.PLUGIN_MISSING, missing.reason());
        assertTrue(missing.message().contains("whereabouts"), missing.message());
        assertFalse(missing.ready());

        fake.script("bridge", c -> ok("{\"cniVersion\":\"0.4.0\",\"supportedVersions\":[\"0.3.1\",\"0.4.0\"]}"));
        Files.writeString(bad, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\"}]}");
        Files.setLastModifiedTime(bad, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 9000));
        NetworkStatus old = pods.status();
        assertEquals(NetworkStatus.INVALID_CONFIG, old.reason());
        assertTrue(old.message().contains("does not support cniVersion 1.0.0"), old.message());
    }

    @Test
    void cniGcReleasesAttachmentsOfSandboxesThatAreGone() {
        PodNetwork pods = withDefaultNetwork();
        pods.setUp(request());
        fake.calls.clear();
        pods.gc(Set.of(ID));
        assertTrue(fake.calls(CniCommand.DEL).isEmpty());
        pods.gc(Set.of());
        assertEquals(2, fake.calls(CniCommand.DEL).size());
        assertTrue(pods.result(ID).isEmpty());
    }
}
