package io.berth.cni.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultParserTest {

    private static CniResult parse(String json) throws IOException {
        return ResultParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reads040ResultsWithIpVersions() throws IOException {
        CniResult r = parse("""
                {"cniVersion":"0.4.0",
                 "interfaces":[{"name":"cni0","mac":"00:11:22:33:44:55"},{"name":"veth1"},
                               {"name":"eth0","mac":"99:88:77:66:55:44","sandbox":"/var/run/netns/blue"}],
                 "ips":[{"version":"4","address":"10.1.0.5/16","gateway":"10.1.0.1","interface":2}],
                 "routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"}],
                 "dns":{"nameservers":["10.1.0.1"],"domain":"example.local","search":["a.b"],"options":["ndots:2"]}}""");
        assertEquals("0.4.0", r.cniVersion());
        assertEquals(3, r.interfaces().size());
        assertTrue(r.interfaces().get(2).inSandbox());
        CniIpConfig ip = r.ips().getFirst();
        assertEquals("10.1.0.5", ip.ip());
        assertEquals(16, ip.prefixLength());
        assertEquals("10.1.0.1", ip.gateway());
        assertEquals(2, ip.interfaceIndex());
        assertEquals("10.1.0.1", r.routes().getFirst().gw());
        assertEquals(new CniDns(List.of("10.1.0.1"), "example.local", List.of("a.b"), List.of("ndots:2")), r.dns());
    }

    @Test
    void reads100ResultsWithoutIpVersionsAndDualStack() throws IOException {
        CniResult r = parse("""
                {"cniVersion":"1.0.0",
                 "interfaces":[{"name":"br"},{"name":"eth0","sandbox":"/run/netns/p"}],
                 "ips":[{"address":"fd00::5/64","interface":1},{"address":"10.88.0.5/16","gateway":"10.88.0.1","interface":1},
                        {"address":"192.168.9.9/24","interface":0}]}""");
        assertEquals(3, r.ips().size());
        assertTrue(r.ips().getFirst().isIpv6());
        assertEquals(List.of("fd00::5", "10.88.0.5"), r.ipsOn("eth0").stream().map(CniIpConfig::ip).toList());
        assertEquals(List.of(), r.routes());
        assertEquals(CniDns.EMPTY, r.dns());
    }

    @Test
    void reads110InterfaceAndRouteFields() throws IOException {
        CniResult r = parse("""
                {"cniVersion":"1.1.0",
                 "interfaces":[{"name":"eth0","mtu":1450,"sandbox":"/run/netns/p","socketPath":"/s","pciID":"0000:00:1f.6"}],
                 "ips":[{"address":"10.0.0.2/24","interface":0}],
                 "routes":[{"dst":"10.1.0.0/16","gw":"10.0.0.1","mtu":1400,"advmss":1360,"priority":10,"table":100,"scope":253}]}""");
        CniInterface i = r.interfaces().getFirst();
        assertEquals(1450, i.mtu());
        assertEquals("/s", i.socketPath());
        assertEquals("0000:00:1f.6", i.pciId());
        assertEquals(new CniRoute("10.1.0.0/16", "10.0.0.1", 1400, 1360, 10, 100, "253"), r.routes().getFirst());
    }

    @Test
    void reads020ResultsAndKeepsTheRawText() throws IOException {
        String json = """
                {"cniVersion":"0.2.0","ip4":{"ip":"10.2.0.3/24","gateway":"10.2.0.1","routes":[{"dst":"0.0.0.0/0"}]},
                 "ip6":{"ip":"fd01::3/64"}}""";
        CniResult r = parse(json);
        assertEquals(List.of("10.2.0.3", "fd01::3"), r.ips().stream().map(CniIpConfig::ip).toList());
        assertNull(r.ips().getFirst().interfaceIndex());
        assertEquals(1, r.routes().size());
        assertEquals(json.strip(), r.rawJson());
    }

    @Test
    void rejectsResultsWithoutVersionOrWithBadAddresses() {
        assertThrows(IOException.class, () -> parse("{\"ips\":[]}"));
        assertThrows(IOException.class, () -> parse("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.1\"}]}"));
        assertThrows(IOException.class, () -> parse("[1,2]"));
    }
}
