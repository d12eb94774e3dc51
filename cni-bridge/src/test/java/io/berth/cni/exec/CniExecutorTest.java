package io.berth.cni.exec;

import static io.berth.cni.exec.FakePluginInvoker.fail;
import static io.berth.cni.exec.FakePluginInvoker.ok;
import static io.berth.cni.exec.FakePluginInvoker.stdin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cni.config.NetworkConfigList;
import io.berth.cni.spec.CniCommand;
import io.berth.cni.spec.CniPluginException;
import io.berth.cni.spec.CniResult;
import io.berth.common.error.DeadlineExceededException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CniExecutorTest {

    private static final String LIST = """
            {"cniVersion":"%s","name":"net1","plugins":[
              {"type":"a","cniVersion":"0.1.0","name":"ignored","capabilities":{"portMappings":true,"dns":false}},
              {"type":"b","capabilities":{"bandwidth":true}},
              {"type":"c"}]%s}""";

    private final FakePluginInvoker fake = new FakePluginInvoker("a", "b", "c");
    private final CniExecutor exec = new CniExecutor(fake, List.of(Path.of("/x/bin"), Path.of("/y/bin")),
            Duration.ofSeconds(5));

    static NetworkConfigList list(String version, String extra) {
        return NetworkConfigList.parse(LIST.formatted(version, extra).getBytes(StandardCharsets.UTF_8),
                Path.of("/etc/cni/net.d/10-test.conflist"));
    }

    static RuntimeConf rt() {
        return new RuntimeConf("abc123", "/run/netns/x", "eth0",
                List.of(new SimpleImmutableEntry<>("IgnoreUnknown", "1"), new SimpleImmutableEntry<>("K", "V")),
                Map.of("portMappings", List.of(Map.of("hostPort", 8080, "containerPort", 80, "protocol", "tcp")),
                        "dns", Map.of("servers", List.of("1.1.1.1"))));
    }

    @Test
    void addInjectsNameVersionPrevResultAndOnlyDeclaredCapabilities() {
        CniResult r = exec.add(list("1.0.0", ""), rt());
        List<PluginCall> adds = fake.calls(CniCommand.ADD);
        assertEquals(List.of("a", "b", "c"), adds.stream().map(PluginCall::type).toList());
        JsonNode a = stdin(adds.get(0));
        assertEquals("net1", a.get("name").asText());
        assertEquals("1.0.0", a.get("cniVersion").asText());
        assertFalse(a.has("prevResult"));
        assertEquals(8080, a.at("/runtimeConfig/portMappings/0/hostPort").asInt());
        assertFalse(a.get("runtimeConfig").has("dns"), "dns capability is false for a");
        JsonNode b = stdin(adds.get(1));
        assertFalse(b.has("runtimeConfig"), "b declares bandwidth, which the runtime did not pass");
        assertEquals("10.9.0.7/24", b.at("/prevResult/ips/0/address").asText());
        assertEquals("10.9.0.7", r.ipsOn("eth0").getFirst().ip());
    }

    @Test
    void addPassesTheEnvironmentOfTheSpec() {
        exec.add(list("1.0.0", ""), rt());
        Map<String, String> env = fake.calls.getFirst().env();
        assertEquals("ADD", env.get("CNI_COMMAND"));
        assertEquals("abc123", env.get("CNI_CONTAINERID"));
        assertEquals("/run/netns/x", env.get("CNI_NETNS"));
        assertEquals("eth0", env.get("CNI_IFNAME"));
        assertEquals("IgnoreUnknown=1;K=V", env.get("CNI_ARGS"));
        assertEquals("/x/bin:/y/bin", env.get("CNI_PATH"));
        assertTrue(env.get("PATH").contains("/usr/sbin"), "plugins exec iptables by name");
        assertEquals(7, env.size(), "nothing else leaks in: " + env.keySet());
    }

    @Test
    void delRunsInReverseWithTheCachedResult() {
        NetworkConfigList l = list("1.0.0", "");
        CniResult r = exec.add(l, rt());
        fake.calls.clear();
        exec.del(l, rt(), r);
        assertEquals(List.of("c", "b", "a"), fake.calls.stream().map(PluginCall::type).toList());
        for (PluginCall c : fake.calls) {
            assertEquals("DEL", c.env().get("CNI_COMMAND"));
            assertEquals("10.9.0.7/24", stdin(c).at("/prevResult/ips/0/address").asText());
        }
    }

    @Test
    void aFailedAddDeletesTheWholeListInReverseAndNamesThePlugin() {
        fake.script("b", c -> c.command() == CniCommand.ADD
                ? fail(1, "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"bad config\",\"details\":\"no bridge\"}",
                        "log line")
                : ok(""));
        CniPluginException e = assertThrows(CniPluginException.class, () -> exec.add(list("1.0.0", ""), rt()));
        assertEquals("b", e.plugin());
        assertEquals(7, e.code());
        assertEquals("bad config", e.pluginMessage());
        assertEquals("no bridge", e.details());
        assertTrue(e.getMessage().contains("CNI plugin b ADD failed (code 7): bad config; no bridge; stderr: log line"),
                e.getMessage());
        List<String> order = fake.calls.stream().map(c -> c.command() + " " + c.type()).toList();
        assertEquals(List.of("ADD a", "ADD b", "DEL c", "DEL b", "DEL a"), order);
    }

    @Test
    void aFailedRollbackIsAttachedToTheOriginalError() {
        fake.script("b", c -> fail(1, "{\"code\":100,\"msg\":\"b is broken\"}", ""));
        CniPluginException e = assertThrows(CniPluginException.class, () -> exec.add(list("1.0.0", ""), rt()));
        assertEquals(CniCommand.ADD, e.command());
        assertEquals(1, e.getSuppressed().length);
        assertEquals(3, fake.calls(CniCommand.DEL).size(), "DEL goes on past the failing plugin");
    }

    @Test
    void aTimeoutIsRolledBackAndPropagated() {
        fake.script("c", c -> {
            if (c.command() == CniCommand.ADD) {
                throw new DeadlineExceededException("c did not finish within 5000 ms and was killed");
            }
            return ok("");
        });
        assertThrows(DeadlineExceededException.class, () -> exec.add(list("1.0.0", ""), rt()));
        assertEquals(3, fake.calls(CniCommand.DEL).size());
        assertEquals(Duration.ofSeconds(5), fake.calls.getFirst().timeout());
    }

    @Test
    void checkIsSkippedWhenDisabledOrBefore040() {
        NetworkConfigList l = list("1.0.0", "");
        CniResult r = exec.add(l, rt());
        exec.check(l, rt(), r);
        assertEquals(3, fake.calls(CniCommand.CHECK).size());
        assertEquals("10.9.0.7/24", stdin(fake.calls(CniCommand.CHECK).getFirst()).at("/prevResult/ips/0/address")
                .asText());
        exec.check(list("1.0.0", ",\"disableCheck\":true"), rt(), r);
        exec.check(list("0.3.1", ""), rt(), r);
        assertEquals(3, fake.calls(CniCommand.CHECK).size());
    }

    @Test
    void statusAndGcOnlyFor110AndOnlyForPluginsThatSpeakIt() {
        fake.script("c", c -> ok("{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"1.0.0\"]}"));
        NetworkConfigList l = list("1.1.0", "");
        exec.status(l);
        assertEquals(List.of("a", "b"), fake.calls(CniCommand.STATUS).stream().map(PluginCall::type).toList());
        Map<String, String> env = fake.calls(CniCommand.STATUS).getFirst().env();
        assertFalse(env.containsKey("CNI_CONTAINERID"));
        exec.gc(l, List.of(new GcAttachment("keep1", "eth0")));
        PluginCall gc = fake.calls(CniCommand.GC).getFirst();
        assertEquals("keep1", stdin(gc).at("/cni.dev~1valid-attachments/0/containerID").asText());
        assertEquals("eth0", stdin(gc).at("/cni.dev~1valid-attachments/0/ifname").asText());

        int before = fake.calls.size();
        exec.status(list("1.0.0", ""));
        exec.gc(list("1.1.0", ",\"disableGC\":true"), List.of());
        assertEquals(before, fake.calls.size());
    }

    @Test
    void versionIsAskedOnceAndCached() {
        VersionInfo v = exec.version("a");
        assertTrue(v.supports("1.1.0"));
        exec.version("a");
        assertEquals(1, fake.calls(CniCommand.VERSION).size());
        assertEquals("{\"cniVersion\":\"1.1.0\"}", new String(fake.calls.getFirst().stdin(), StandardCharsets.UTF_8));
    }

    @Test
    void aMissingPluginIsAnError() {
        FakePluginInvoker none = new FakePluginInvoker("a");
        CniExecutor e = new CniExecutor(none, List.of(Path.of("/x")), Duration.ofSeconds(1));
        PluginNotFoundException ex = assertThrows(PluginNotFoundException.class,
                () -> e.add(list("1.0.0", ""), rt()));
        assertEquals("b", ex.type());
    }
}
