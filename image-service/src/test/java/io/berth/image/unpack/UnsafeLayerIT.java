package io.berth.image.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import io.berth.common.os.Libc;
import io.berth.image.snapshot.OverlaySnapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a layer could write outside its snapshot fails the unpack, names
 * the member, leaves no snapshot directory and writes nothing outside: a
 * sentinel directory next to the root stays exactly as it was.
 */
class UnsafeLayerIT {

    private static final String CHAIN = "sha256:" + "ab".repeat(32);
    private static final String SECRET = "do not touch";

    @TempDir
    Path tmp;
    private Path sentinel;
    private String escapeName;

    /** A case builds its layer from (sentinel dir, unique escape name) and names the guilty member. */
    record Case(String offender, BiFunction<Path, String, LayerBuilder> layer) {
        @Override
        public String toString() {
            return offender;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("../ESC", (s, n) -> new LayerBuilder().file("../" + n, "x")),
                c("/../../ESC", (s, n) -> new LayerBuilder().file("/../../" + n, "x")),
                c("a/../../ESC", (s, n) -> new LayerBuilder().dir("a/").file("a/../../" + n, "x")),
                c("root/SENTINEL/pwned", (s, n) -> new LayerBuilder().symlink("root", "/")
                        .file("root" + s + "/pwned", "x")),
                c("s/pwned", (s, n) -> new LayerBuilder().symlink("s", s.toString()).file("s/pwned", "x")),
                c("a/up/pwned", (s, n) -> new LayerBuilder().dir("a/")
                        .symlink("a/up", "../../../../../../../../.." + s).file("a/up/pwned", "x")),
                c("s/deeper/pwned", (s, n) -> new LayerBuilder().symlink("s", s.toString())
                        .file("s/deeper/pwned", "x")),
                c("h", (s, n) -> new LayerBuilder().hardlink("h", "../../etc/passwd")),
                c("h2", (s, n) -> new LayerBuilder().hardlink("h2", "/../../../etc/passwd")),
                c("hs", (s, n) -> new LayerBuilder().symlink("s", s.toString()).hardlink("hs", "s/secret")),
                c("s/h", (s, n) -> new LayerBuilder().file("t", "x").symlink("s", s.toString())
                        .hardlink("s/h", "t")),
                c("s/.wh.secret", (s, n) -> new LayerBuilder().symlink("s", s.toString()).file("s/.wh.secret", "")),
                c("s/.wh..wh..opq", (s, n) -> new LayerBuilder().symlink("s", s.toString())
                        .file("s/.wh..wh..opq", "")),
                c("s/null", (s, n) -> new LayerBuilder().symlink("s", s.toString())
                        .device("s/null", TarConstants.LF_CHR, 1, 3)),
                c("s/newdir/", (s, n) -> new LayerBuilder().symlink("s", s.toString()).dir("s/newdir/")),
                c("s/link", (s, n) -> new LayerBuilder().symlink("s", s.toString()).symlink("s/link", "/")),
                c("s/fifo", (s, n) -> new LayerBuilder().symlink("s", s.toString()).fifo("s/fifo")));
    }

    private static Arguments c(String offender, BiFunction<Path, String, LayerBuilder> layer) {
        return Arguments.of(new Case(offender, layer));
    }

    @BeforeEach
    void sentinel() throws IOException {
        sentinel = Files.createDirectory(tmp.resolve("sentinel"));
        Files.writeString(sentinel.resolve("secret"), SECRET);
        escapeName = "berth-escape-" + UUID.randomUUID();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedNamedAndLeavesNothing(Case c) throws IOException {
        OverlaySnapshotter snapshots = new OverlaySnapshotter(tmp.resolve("root"));
        byte[] tar = c.layer().apply(sentinel, escapeName).tar();
        Path blob = Files.write(tmp.resolve("blob"), tar);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> snapshots.unpack(CHAIN, null, blob, LayerBuilder.mediaType(LayerCompression.NONE)));
        String offender = c.offender().replace("ESC", escapeName).replace("/SENTINEL", sentinel.toString());
        assertTrue(e.getMessage().contains("\"" + offender + "\""), e.getMessage());
        assertEquals(List.of(), snapshots.list().stream().toList());
        try (Stream<Path> left = Files.list(snapshots.snapshotsDir())) {
            assertEquals(List.of(), left.toList(), "snapshot directories left behind");
        }
        assertSentinelUntouched();
        for (Path p : List.of(Path.of("/", escapeName), tmp.resolve(escapeName),
                tmp.resolve("root").resolve(escapeName), snapshots.snapshotsDir().resolve(escapeName))) {
            assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), p + " was written");
        }
    }

    private void assertSentinelUntouched() throws IOException {
        try (Stream<Path> s = Files.list(sentinel)) {
            assertEquals(List.of(sentinel.resolve("secret")), s.toList());
        }
        Path secret = sentinel.resolve("secret");
        assertEquals(SECRET, Files.readString(secret));
        assertEquals(1, Files.getAttribute(secret, "unix:nlink", LinkOption.NOFOLLOW_LINKS));
        assertNull(Libc.lgetxattr(sentinel.toString(), "trusted.overlay.opaque"));
    }
}
