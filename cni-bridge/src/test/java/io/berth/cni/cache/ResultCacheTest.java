package io.berth.cni.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cni.config.NetworkConfigList;
import io.berth.cni.exec.RuntimeConf;
import io.berth.cni.spec.ResultParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCacheTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsAnAttachmentUnderItsSpecKey() throws Exception {
        // A single .conf: on reload it must be wrapped again, not read as a list.
        NetworkConfigList list = NetworkConfigList.parse(
                "{\"cniVersion\":\"0.4.0\",\"name\":\"single\",\"type\":\"ptp\"}".getBytes(StandardCharsets.UTF_8),
                Path.of("/etc/cni/net.d/10-single.conf"));
        RuntimeConf rt = new RuntimeConf("c1", "/run/netns/x", "eth0",
                List.of(new SimpleImmutableEntry<>("IgnoreUnknown", "1")), Map.of("portMappings", List.of()));
        ResultCache cache = new ResultCache(dir);
        cache.put(new CachedAttachment(list, rt, null));
        assertNull(cache.forContainer("c1").getFirst().result(), "a record written before ADD has no result");

        var result = ResultParser.parse("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.0.0.9/8\"}]}"
                .getBytes(StandardCharsets.UTF_8));
        cache.put(new CachedAttachment(list, rt, result));
        assertTrue(Files.exists(dir.resolve("single-c1-eth0.json")));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temp file left");
        }
        CachedAttachment back = cache.forContainer("c1").getFirst();
        assertEquals(rt, back.runtime());
        assertEquals(List.of("ptp"), back.list().pluginTypes());
        assertEquals("10.0.0.9", back.result().ips().getFirst().ip());
        assertEquals(List.of(), cache.forContainer("c"), "a prefix of the id is another container");

        Files.writeString(dir.resolve("junk-c1-eth1.json"), "{broken");
        assertEquals(1, cache.forContainer("c1").size(), "unreadable records are skipped");
        cache.remove("single", "c1", "eth0");
        assertEquals(List.of(), cache.all());
    }
}
