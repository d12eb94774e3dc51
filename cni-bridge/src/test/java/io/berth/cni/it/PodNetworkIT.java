package io.berth.cni.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cni.PodNetwork;
import io.berth.cni.PodNetworkRequest;
import io.berth.cni.PodNetworkResult;
import io.berth.cni.PortMapping;
import io.berth.cni.netns.InterfaceCounters;
import io.berth.cni.spec.CniPluginException;
import io.berth.common.exec.CommandResult;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real plugins (Debian's containernetworking-plugins) on a private bridge and subnet, as root. */
@Timeout(120)
class PodNetworkIT {

    private TestNet net;

    @BeforeEach
    void setUp() throws Exception {
        net = new TestNet();
    }

    @AfterEach
    void tearDown() throws Exception {
        net.close();
    }

    private PodNetworkRequest request(String id, Path pin) {
        return PodNetworkRequest.of(id, "pod-" + id.substring(0, 6), "ns-it", "uid-" + id.substring(0, 8),
                pin.toString());
    }

    @Test
    void twoPodsGetDifferentAddressesAndReachEachOther() throws Exception {
        net.writeConflist(l -> { });
        PodNetwork pods = net.podNetwork();
        Path pinA = net.newNetns();
        Path pinB = net.newNetns();
        String a = TestNet.newSandboxId();
        String b = TestNet.newSandboxId();
        PodNetworkResult ra = pods.setUp(request(a, pinA));
        PodNetworkResult rb = pods.setUp(request(b, pinB));
        try {
            assertNotEquals(ra.primaryIp(), rb.primaryIp());
            assertTrue(ra.primaryIp().startsWith(net.subnetPrefix), ra.primaryIp());
            assertTrue(rb.primaryIp().startsWith(net.subnetPrefix), rb.primaryIp());
            assertEquals(List.of(), ra.additionalIps());

            CommandResult ping = HostProbe.run("ip", "netns", "exec", pinB.getFileName().toString(),
                    "/bin/busybox", "ping", "-c", "1", "-W", "3", ra.primaryIp());
            assertTrue(ping.ok(), "ping from B to A: " + ping.stdoutText() + ping.stderrText());
            try (ServerSocket _ = Sockets.greeter(pinA, 7070, "hello from A")) {
                assertEquals("hello from A", Sockets.fetch(pinB, ra.primaryIp(), 7070));
            }
            // lo is up in the pod: the pod reaches itself on 127.0.0.1.
            try (ServerSocket _ = Sockets.greeter(pinA, 7071, "self")) {
                assertEquals("self", Sockets.fetch(pinA, "127.0.0.1", 7071));
            }
            InterfaceCounters c = net.netns.counters(pinA, "eth0");
            assertTrue(c.rxBytes() > 0 && c.txBytes() > 0, c.toString());
            pods.check(a);
        } finally {
            pods.tearDown(a);
            pods.tearDown(b);
        }
        assertEquals(List.of(), HostProbe.portsOf(net.bridge));
        assertEquals(List.of(), HostProbe.leases(net.ipamDir, net.network));
        assertEquals(List.of(), HostProbe.rulesMentioning(a));
        assertEquals(List.of(), HostProbe.rulesMentioning(b));
        assertTrue(pods.result(a).isEmpty());
    }

    @Test
    void hostPortIsReachableFromTheHostThroughTheBridgeAddress() throws Exception {
        net.writeConflist(l -> { });
        PodNetwork pods = net.podNetwork();
        Path pin = net.newNetns();
        String id = TestNet.newSandboxId();
        int hostPort = ThreadLocalRandom.current().nextInt(40000, 50000);
        pods.setUp(request(id, pin).withPortMappings(List.of(new PortMapping(hostPort, 8080, "tcp", ""))));
        Set<String> chains;
        try (ServerSocket _ = Sockets.greeter(pin, 8080, "via hostPort")) {
            chains = HostProbe.chainsOf(id);
            assertFalse(chains.isEmpty(), "portmap and ipMasq rules carry the container id");
            assertTrue(HostProbe.iptablesSave().contains("--dport " + hostPort), "DNAT rule for the host port");
            assertEquals("via hostPort", Sockets.fetch(null, net.gateway(), hostPort));
        } finally {
            pods.tearDown(id);
        }
        assertEquals(List.of(), HostProbe.rulesMentioning(id));
        assertFalse(HostProbe.anyChainExists(chains), "chains left: " + chains);
        assertFalse(HostProbe.iptablesSave().contains("--dport " + hostPort));
    }

    @Test
    void aFailingPluginRollsBackTheWholeChain() throws Exception {
        net.writePlugin("berth-it-fail", """
                #!/bin/sh
                cat >/dev/null
                case "$CNI_COMMAND" in
                ADD) printf '{"cniVersion":"1.0.0","code":117,"msg":"refused by test","details":"on purpose"}'
                     echo "fail plugin stderr" >&2; exit 1 ;;
                VERSION) printf '{"cniVersion":"1.0.0","supportedVersions":["1.0.0"]}' ;;
                esac
                exit 0
                """);
        net.writeConflist(l -> l.withArray("plugins").addObject().put("type", "berth-it-fail"));
        PodNetwork pods = net.podNetwork();
        Path pin = net.newNetns();
        String id = TestNet.newSandboxId();
        PodNetworkRequest req = request(id, pin).withPortMappings(List.of(new PortMapping(45678, 80, "tcp", "")));

        CniPluginException e = assertThrows(CniPluginException.class, () -> pods.setUp(req));
        assertEquals("berth-it-fail", e.plugin());
        assertEquals(117, e.code());
        assertTrue(e.getMessage().contains("refused by test") && e.getMessage().contains("on purpose"),
                e.getMessage());
        assertTrue(e.stderr().contains("fail plugin stderr"));

        assertEquals(List.of(), HostProbe.portsOf(net.bridge), "veth left on the bridge");
        assertEquals(List.of(), HostProbe.leases(net.ipamDir, net.network), "IP lease left");
        assertEquals(List.of(), HostProbe.rulesMentioning(id), "iptables rules left");
        assertTrue(pods.result(id).isEmpty(), "cache record left");
        assertFalse(HostProbe.run("ip", "netns", "exec", pin.getFileName().toString(), "ip", "link", "show", "eth0")
                .ok(), "eth0 left in the pod netns");
        net.netns.remove(pin);
        assertFalse(Files.exists(pin));
    }

    @Test
    void aDualStackPodHasIpv4AsPrimaryAndIpv6AsAdditional() throws Exception {
        // A leading 1 keeps the group free of leading zeros, which the kernel would drop when printing it.
        String v6 = "fd00:b:1" + net.tag.substring(0, 3) + "::";
        net.writeConflist(l -> ((com.fasterxml.jackson.databind.node.ArrayNode) l.at("/plugins/0/ipam/ranges"))
                .addArray().addObject().put("subnet", v6 + "/64"));
        PodNetwork pods = net.podNetwork();
        Path pin = net.newNetns();
        String id = TestNet.newSandboxId();
        PodNetworkResult r = pods.setUp(request(id, pin));
        try {
            assertTrue(r.primaryIp().startsWith(net.subnetPrefix), r.primaryIp());
            assertEquals(1, r.additionalIps().size(), r.additionalIps().toString());
            assertTrue(r.additionalIps().getFirst().startsWith(v6), r.additionalIps().toString());
            String addrs = HostProbe.runOk("ip", "-n", pin.getFileName().toString(), "addr", "show", "eth0");
            assertTrue(addrs.contains(r.primaryIp() + "/24") && addrs.contains(r.additionalIps().getFirst()), addrs);
        } finally {
            pods.tearDown(id);
        }
        assertEquals(List.of(), HostProbe.leases(net.ipamDir, net.network));
    }

    @Test
    void checkNamesThePluginWhoseStateIsBrokenAndTearDownStillCleansUp() throws Exception {
        net.writeConflist(l -> { });
        PodNetwork pods = net.podNetwork();
        Path pin = net.newNetns();
        String id = TestNet.newSandboxId();
        pods.setUp(request(id, pin));
        try {
            pods.check(id);
            // A changed MAC is something CHECK compares and DEL does not need. (Deleting eth0
            // instead would make Debian's bridge 1.1.1 skip its ipMasq rules on DEL: it finds
            // the pod's addresses on the link, not in prevResult.)
            HostProbe.runOk("ip", "-n", pin.getFileName().toString(), "link", "set", "eth0", "address",
                    "02:42:be:e7:00:01");
            CniPluginException e = assertThrows(CniPluginException.class, () -> pods.check(id));
            assertEquals("bridge", e.plugin());
            assertEquals(io.berth.cni.spec.CniCommand.CHECK, e.command());
        } finally {
            pods.tearDown(id);
        }
        assertEquals(List.of(), HostProbe.leases(net.ipamDir, net.network));
        assertEquals(List.of(), HostProbe.rulesMentioning(id));
    }

    @Test
    void gcReleasesOnlyAttachmentsOfSandboxesThatAreGone() throws Exception {
        net.writeConflist(l -> { });
        PodNetwork pods = net.podNetwork();
        String keep = TestNet.newSandboxId();
        String gone = TestNet.newSandboxId();
        PodNetworkResult kept = pods.setUp(request(keep, net.newNetns()));
        pods.setUp(request(gone, net.newNetns()));
        try {
            pods.gc(Set.of(keep));
            assertEquals(List.of(kept.primaryIp()), HostProbe.leases(net.ipamDir, net.network));
            assertEquals(List.of(), HostProbe.rulesMentioning(gone));
            assertTrue(pods.result(gone).isEmpty());
            assertEquals(1, HostProbe.portsOf(net.bridge).size());
        } finally {
            pods.tearDown(keep);
            pods.tearDown(gone);
        }
    }

    @Test
    void delAfterTheNetnsIsGoneStillRemovesTheIpMasqRules() throws Exception {
        net.writeConflist(l -> { });
        PodNetwork pods = net.podNetwork();
        Path pin = net.newNetns();
        String id = TestNet.newSandboxId();
        pods.setUp(request(id, pin));
        Set<String> chains = HostProbe.chainsOf(id);
        assertFalse(chains.isEmpty(), "bridge's ipMasq chain carries the container id");
        // As after a reboot or a netns removed by hand: Debian's bridge 1.1.1 finds the pod's
        // addresses on its eth0, so without the netns its DEL skips the masquerade rules.
        net.netns.remove(pin);
        pods.tearDown(id);
        assertEquals(List.of(), HostProbe.rulesMentioning(id));
        assertFalse(HostProbe.anyChainExists(chains), "chains left: " + chains);
        assertEquals(List.of(), HostProbe.leases(net.ipamDir, net.network));
        pods.tearDown(id); // idempotent
    }

    @Test
    void delAfterARestartUsesTheCachedResultAndReleasesTheAddress() throws Exception {
        net.writeConflist(l -> { });
        Path pin = net.newNetns();
        String id = TestNet.newSandboxId();
        PodNetworkResult r = net.podNetwork().setUp(request(id, pin));
        assertEquals(List.of(r.primaryIp()), HostProbe.leases(net.ipamDir, net.network));

        // A new instance over the same state dir stands for berthd after a restart;
        // the conf file is gone too, so only the cached config can drive DEL.
        Files.delete(net.confDir.resolve("50-" + net.network + ".conflist"));
        PodNetwork restarted = net.podNetwork();
        assertEquals(r.primaryIp(), restarted.result(id).orElseThrow().primaryIp());
        restarted.tearDown(id);
        restarted.tearDown(id); // idempotent
        assertEquals(List.of(), HostProbe.leases(net.ipamDir, net.network));
        assertEquals(List.of(), HostProbe.portsOf(net.bridge));
        assertEquals(List.of(), HostProbe.rulesMentioning(id));
    }
}
