package io.berth.cni.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfListLoaderTest {

    @TempDir
    Path dir;

    private static String conflist(String name) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"" + name + "\",\"plugins\":[{\"type\":\"bridge\"}]}";
    }

    @Test
    void picksTheFirstFileInLexicalOrderAndIgnoresOthers() throws Exception {
        Files.writeString(dir.resolve("20-b.conflist"), conflist("b"));
        Files.writeString(dir.resolve("10-a.conflist"), conflist("a"));
        Files.writeString(dir.resolve(".05-tmp.conflist"), conflist("hidden"));
        Files.writeString(dir.resolve("00-readme.txt"), "not a config");
        ConfListLoader loader = new ConfListLoader(dir);
        assertEquals("a", loader.current().orElseThrow().name());
    }

    @Test
    void wrapsASingleConfIntoAList() throws Exception {
        Files.writeString(dir.resolve("05-single.conf"),
                "{\"cniVersion\":\"0.4.0\",\"name\":\"one\",\"type\":\"ptp\",\"ipMasq\":true}");
        Files.writeString(dir.resolve("10-a.conflist"), conflist("a"));
        NetworkConfigList l = new ConfListLoader(dir).current().orElseThrow();
        assertEquals("one", l.name());
        assertEquals("0.4.0", l.cniVersion());
        assertEquals(List.of("ptp"), l.pluginTypes());
        assertTrue(l.plugins().getFirst().get("ipMasq").asBoolean());
    }

    @Test
    void reloadsWhenAFileChangesAndOnlyThen() throws Exception {
        Path f = dir.resolve("10-a.conflist");
        Files.writeString(f, conflist("a"));
        ConfListLoader loader = new ConfListLoader(dir);
        ConfListLoader.Selection first = loader.load();
        assertSame(first, loader.load(), "unchanged files are not parsed again");
        Files.writeString(f, conflist("renamed"));
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertEquals("renamed", loader.current().orElseThrow().name());
        Files.writeString(dir.resolve("01-first.conflist"), conflist("first"));
        assertEquals("first", loader.current().orElseThrow().name());
        Files.delete(dir.resolve("01-first.conflist"));
        Files.delete(f);
        assertInstanceOf(ConfListLoader.Missing.class, loader.load());
    }

    @Test
    void anInvalidFirstFileIsReportedByName() throws Exception {
        Files.writeString(dir.resolve("10-bad.conflist"), "{\"name\":\"x\",\"plugins\":[{\"type\":\"bridge\"}]}");
        ConfListLoader.Invalid inv = assertInstanceOf(ConfListLoader.Invalid.class, new ConfListLoader(dir).load());
        assertEquals(dir.resolve("10-bad.conflist"), inv.error().file());
        assertTrue(inv.error().getMessage().contains("10-bad.conflist"));
        assertTrue(inv.error().getMessage().contains("no cniVersion"));
    }

    @Test
    void aMissingDirectoryMeansNoConfig() {
        assertInstanceOf(ConfListLoader.Missing.class, new ConfListLoader(dir.resolve("nope")).load());
    }

    @Test
    void cniVersionsPicksTheHighestSupportedAndFlagsAreRead() {
        NetworkConfigList l = NetworkConfigList.parse(("{\"cniVersions\":[\"0.4.0\",\"1.1.0\",\"7.0.0\"],"
                + "\"name\":\"n\",\"disableCheck\":\"true\",\"disableGC\":true,\"plugins\":[{\"type\":\"x\"}]}")
                .getBytes(), Path.of("/n.conflist"));
        assertEquals("1.1.0", l.cniVersion());
        assertTrue(l.disableCheck());
        assertTrue(l.disableGC());
        NetworkConfigList plain = NetworkConfigList.parse(conflist("p").getBytes(), Path.of("/p.conflist"));
        assertFalse(plain.disableCheck());
    }

    @Test
    void theDefaultNetworkIsWrittenAtomicallyAndParses() throws Exception {
        Path p = DefaultNetwork.write(dir);
        assertEquals(DefaultNetwork.FILE_NAME, p.getFileName().toString());
        NetworkConfigList l = new ConfListLoader(dir).current().orElseThrow();
        assertEquals(List.of("bridge", "portmap"), l.pluginTypes());
        var bridge = l.plugins().getFirst();
        assertEquals("berth0", bridge.get("bridge").asText());
        assertTrue(bridge.get("isGateway").asBoolean() && bridge.get("ipMasq").asBoolean()
                && bridge.get("hairpinMode").asBoolean());
        assertEquals("10.88.0.0/16", bridge.at("/ipam/ranges/0/0/subnet").asText());
        assertEquals("0.0.0.0/0", bridge.at("/ipam/routes/0/dst").asText());
        assertTrue(l.plugins().get(1).at("/capabilities/portMappings").asBoolean());
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temp file left");
        }
    }
}
