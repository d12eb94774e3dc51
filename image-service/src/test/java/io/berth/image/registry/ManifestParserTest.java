package io.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.NotFoundException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestParserTest {

    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);
    private static final String D3 = "sha256:" + "3".repeat(64);

    private static byte[] json(String s) {
        return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static String entry(String digest, String arch, String variant) {
        return "{'mediaType':'" + MediaTypes.OCI_MANIFEST + "','digest':'" + digest + "','size':10,"
                + "'platform':{'os':'linux','architecture':'" + arch + "'" + (variant == null ? "" : ",'variant':'"
                + variant + "'") + "}}";
    }

    @Test
    void parsesDockerManifest() {
        Manifest m = ManifestParser.parse("x", json("{'schemaVersion':2,'mediaType':'" + MediaTypes.DOCKER_MANIFEST
                + "','config':{'mediaType':'" + MediaTypes.DOCKER_CONFIG + "','digest':'" + D1 + "','size':5},"
                + "'layers':[{'mediaType':'" + MediaTypes.DOCKER_LAYER_GZIP + "','digest':'" + D2 + "','size':7}]}"),
                "");
        ImageManifest im = assertInstanceOf(ImageManifest.class, m);
        assertEquals(D1, im.config().digest().toString());
        assertEquals(7, im.layers().getFirst().size());
    }

    @Test
    void infersOciTypesWhenMediaTypeAbsent() {
        Manifest m = ManifestParser.parse("x", json("{'schemaVersion':2,'manifests':[" + entry(D1, "amd64", null)
                + "]}"), "application/json");
        assertInstanceOf(ManifestIndex.class, m);
    }

    @Test
    void refusesSchema1() {
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> ManifestParser.parse(
                "docker.io/library/old:1", json("{'schemaVersion':1,'name':'old','fsLayers':[]}"), ""));
        assertTrue(e.getMessage().contains("schema 1") && e.getMessage().contains("old:1"), e.getMessage());
    }

    @Test
    void refusesUnknownLayerType() {
        assertThrows(FailedPreconditionException.class, () -> ManifestParser.parse("x", json("{'mediaType':'"
                + MediaTypes.OCI_MANIFEST + "','config':{'mediaType':'" + MediaTypes.OCI_CONFIG + "','digest':'" + D1
                + "','size':5},'layers':[{'mediaType':'application/x-weird','digest':'" + D2 + "','size':7}]}"), ""));
    }

    @Test
    void selectsPlatformWithVariants() {
        ManifestIndex index = (ManifestIndex) ManifestParser.parse("x", json("{'mediaType':'" + MediaTypes.OCI_INDEX
                + "','manifests':[" + entry(D1, "arm", "v6") + "," + entry(D2, "arm64", "v8") + ","
                + entry(D3, "amd64", null) + "]}"), "");
        assertEquals(D3, ManifestParser.select("x", index, Platform.parse("linux/amd64")).digest().toString());
        assertEquals(D2, ManifestParser.select("x", index, Platform.parse("linux/arm64")).digest().toString());
        // arm/v7 can run an arm/v6 image when nothing better is there.
        assertEquals(D1, ManifestParser.select("x", index, Platform.parse("linux/arm/v7")).digest().toString());
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> ManifestParser.select("img", index, Platform.parse("linux/s390x")));
        assertTrue(e.getMessage().contains("linux/s390x"), e.getMessage());
    }

    @Test
    void parsesChallenges() {
        var cs = AuthChallenge.parseAll(java.util.List.of(
                "Bearer realm=\"https://auth.example/token\",service=\"reg\",scope=\"repository:a/b:pull\", Basic realm=x"));
        assertEquals(2, cs.size());
        assertEquals("bearer", cs.get(0).scheme());
        assertEquals("https://auth.example/token", cs.get(0).param("realm"));
        assertEquals("repository:a/b:pull", cs.get(0).param("scope"));
        assertEquals("basic", cs.get(1).scheme());
    }

    @Test
    void credentialsNeverPrintSecrets() {
        Credentials c = Credentials.fromAuthConfig("", "", java.util.Base64.getEncoder().encodeToString(
                "alice:s3cret".getBytes(StandardCharsets.UTF_8)), "", "");
        assertTrue(c.hasBasic());
        assertTrue(!c.toString().contains("s3cret") && !c.cacheKey().contains("s3cret"));
    }
}
