package io.berth.image.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    private static final String HEX = "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
        "busybox, docker.io/library/busybox:latest",
        "busybox:1.36, docker.io/library/busybox:1.36",
        "library/busybox, docker.io/library/busybox:latest",
        "docker.io/busybox, docker.io/library/busybox:latest",
        "index.docker.io/library/busybox:1, docker.io/library/busybox:1",
        "foo/bar, docker.io/foo/bar:latest",
        "registry.k8s.io/pause:3.10, registry.k8s.io/pause:3.10",
        "localhost/foo, localhost/foo:latest",
        "localhost:5000/a/b/c:v1, localhost:5000/a/b/c:v1",
        "127.0.0.1:5000/x, 127.0.0.1:5000/x:latest",
        "Registry/foo, Registry/foo:latest",
        "[::1]:5000/foo:t, [::1]:5000/foo:t",
        "a.b/c__d/e-f.g:T_1.x-y, a.b/c__d/e-f.g:T_1.x-y",
    })
    void normalises(String input, String expected) {
        assertEquals(expected, ImageReference.parse(input).toString());
    }

    @Test
    void digestWinsOverTag() {
        ImageReference r = ImageReference.parse("busybox:1.36@sha256:" + HEX);
        assertNull(r.tag());
        assertEquals("docker.io/library/busybox@sha256:" + HEX, r.toString());
        assertEquals("sha256:" + HEX, r.manifestReference());
    }

    @Test
    void splitsDomainAndPath() {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/team/app:v2");
        assertEquals("127.0.0.1:5000", r.domain());
        assertEquals("team/app", r.path());
        assertEquals("v2", r.tag());
        assertEquals("127.0.0.1:5000/team/app", r.repository());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "UPPER", "foo/Bar", "foo:", "foo@sha256:abc", "foo@md5:" + "a",
        "foo//bar", "-foo", "foo:-tag", "a" + ":" + "b:c", "foo bar"})
    void rejectsMalformed(String input) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ImageReference.parse(input));
        assertTrue(e.getMessage().contains("image reference"), e.getMessage());
    }

    @Test
    void rejectsBareIdAsName() {
        assertThrows(InvalidArgumentException.class, () -> ImageReference.parse(HEX));
    }

    @Test
    void rejectsOverlongName() {
        assertThrows(InvalidArgumentException.class, () -> ImageReference.parse("x/" + "a".repeat(260)));
    }

    @Test
    void digestParsesAndRejects() {
        assertEquals(HEX, Digest.parse("sha256:" + HEX).hex());
        assertThrows(InvalidArgumentException.class, () -> Digest.parse("sha256:" + HEX.toUpperCase()));
        assertThrows(InvalidArgumentException.class, () -> Digest.parse("sha512:" + HEX));
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                Digest.of(new byte[0]).toString());
    }
}
