package io.berth.image.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.os.Libc;
import io.berth.image.unpack.LayerBuilder;
import io.berth.image.unpack.LayerCompression;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers unpacked on their own and committed later in chain order (what a
 * pull does while layers download in parallel), and the directories a layer
 * makes only to hold its members, which must not mask the lower layers'
 * attributes in the overlay. Needs root (chown, trusted.* xattrs).
 */
class PreparedLayerIT {

    private static final String GZIP = LayerBuilder.mediaType(LayerCompression.GZIP);
    private static final long OLD = 1_500_000_000L;

    @TempDir
    Path tmp;
    private OverlaySnapshotter snapshots;

    @BeforeEach
    void setUp() throws IOException {
        snapshots = new OverlaySnapshotter(tmp.resolve("root"));
    }

    private PreparedLayer prepare(LayerBuilder layer) throws IOException {
        byte[] blob = LayerBuilder.compress(layer.tar(), LayerCompression.GZIP);
        return snapshots.prepare(new ByteArrayInputStream(blob), GZIP, "test layer", false);
    }

    private static LayerBuilder dir(LayerBuilder b, String name, int mode, int uid, int gid) {
        TarArchiveEntry e = LayerBuilder.entry(name, TarConstants.LF_DIR, mode);
        e.setIds(uid, gid);
        e.setModTime(FileTime.fromMillis(OLD * 1000));
        return b.add(e, null);
    }

    private Path top(String chainId, String rel) {
        return snapshots.lowerDirs(chainId).getFirst().resolve(rel);
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(snapshots.snapshotsDir())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void implicitParentsTakeTheLowerLayersAttributes() throws IOException {
        LayerBuilder base = new LayerBuilder();
        dir(base, "tmp/", 01777, 0, 0);
        dir(base, "usr/", 0750, 7, 8);
        dir(base, "usr/bin/", 0711, 0, 0);
        dir(base, "opt/", 0755, 0, 0);
        PreparedLayer upper = prepare(new LayerBuilder().file("tmp/x", "x").file("usr/bin/y", "y")
                .add(LayerBuilder.entry("opt/", TarConstants.LF_DIR, 0700), null).file("opt/z", "z")
                .file("new/dir/f", "f"));
        PreparedLayer lower = prepare(base);
        snapshots.commit(lower, OverlaySnapshotterIT.chain(1), null);
        snapshots.commit(upper, OverlaySnapshotterIT.chain(2), OverlaySnapshotterIT.chain(1));

        String c2 = OverlaySnapshotterIT.chain(2);
        assertEquals(01777, mode(top(c2, "tmp")));
        assertEquals(0750, mode(top(c2, "usr")));
        assertEquals(7, uid(top(c2, "usr")));
        assertEquals(0711, mode(top(c2, "usr/bin")));
        assertEquals(OLD * 1000, Files.getLastModifiedTime(top(c2, "usr")).toMillis());
        assertEquals(0700, mode(top(c2, "opt")), "a directory member of the layer itself wins");
        assertEquals(0755, mode(top(c2, "new/dir")), "nothing below: our default");
        assertEquals("y", Files.readString(top(c2, "usr/bin/y")));
    }

    @Test
    void implicitParentsTakeTheLowerXattrsButNeverOverlaysOwn() throws IOException {
        LayerBuilder base = new LayerBuilder();
        TarArchiveEntry data = LayerBuilder.entry("data/", TarConstants.LF_DIR, 0755);
        data.addPaxHeader("SCHILY.xattr.user.note", "from the lower layer");
        base.add(data, null).file("data/.wh..wh..opq", "");
        snapshots.commit(prepare(base), OverlaySnapshotterIT.chain(1), null);
        snapshots.commit(prepare(new LayerBuilder().file("data/f", "f")), OverlaySnapshotterIT.chain(2),
                OverlaySnapshotterIT.chain(1));

        Path lower = snapshots.lowerDirs(OverlaySnapshotterIT.chain(1)).getFirst().resolve("data");
        Path implied = top(OverlaySnapshotterIT.chain(2), "data");
        assertEquals("y", new String(Libc.lgetxattr(lower.toString(), "trusted.overlay.opaque"),
                StandardCharsets.US_ASCII), "the lower layer's data is opaque");
        assertEquals("from the lower layer", new String(Libc.lgetxattr(implied.toString(), "user.note"),
                StandardCharsets.UTF_8));
        assertEquals(null, Libc.lgetxattr(implied.toString(), "trusted.overlay.opaque"),
                "copied up, opaque would hide the lower data/ from the upper one");
        assertEquals(List.of("user.note"), Libc.llistxattr(implied.toString()));
    }

    @Test
    void whiteoutsAndOpaqueDirectoriesHideLowerAttributes() throws IOException {
        LayerBuilder base = new LayerBuilder();
        dir(base, "etc/", 0700, 0, 0);
        dir(base, "a/", 0755, 0, 0);
        dir(base, "a/b/", 0700, 0, 0);
        snapshots.commit(prepare(base), OverlaySnapshotterIT.chain(1), null);
        LayerBuilder middle = new LayerBuilder().file(".wh.etc", "");
        dir(middle, "a/", 0755, 0, 0).file("a/.wh..wh..opq", "");
        snapshots.commit(prepare(middle), OverlaySnapshotterIT.chain(2), OverlaySnapshotterIT.chain(1));
        snapshots.commit(prepare(new LayerBuilder().file("etc/x", "x").file("a/b/f", "f")),
                OverlaySnapshotterIT.chain(3), OverlaySnapshotterIT.chain(2));

        assertEquals(0755, mode(top(OverlaySnapshotterIT.chain(3), "etc")), "the lower etc is whited out");
        assertEquals(0755, mode(top(OverlaySnapshotterIT.chain(3), "a/b")), "the lower a/b is under an opaque a");
    }

    @Test
    void aLayerCommitsOnlyOnACommittedParentAndIsUsedUpEitherWay() throws IOException {
        PreparedLayer upper = prepare(new LayerBuilder().file("b", "b"));
        assertThrows(FailedPreconditionException.class,
                () -> snapshots.commit(upper, OverlaySnapshotterIT.chain(2), OverlaySnapshotterIT.chain(1)));
        assertEquals(List.of(), entries(), "a failed commit leaves nothing");
        assertThrows(IllegalStateException.class, () -> snapshots.commit(upper, OverlaySnapshotterIT.chain(2), null));
    }

    @Test
    void closingAnUncommittedLayerRemovesItAndCommittingTwiceKeepsTheFirst() throws IOException {
        PreparedLayer unused = prepare(new LayerBuilder().file("a", "a"));
        assertEquals(1, entries().size());
        unused.close();
        unused.close();
        assertEquals(List.of(), entries());

        PreparedLayer first = prepare(new LayerBuilder().file("a", "1"));
        PreparedLayer second = prepare(new LayerBuilder().file("a", "22"));
        assertEquals(first.diffId(), snapshots.commit(first, OverlaySnapshotterIT.chain(1), null));
        assertEquals(first.diffId(), snapshots.commit(second, OverlaySnapshotterIT.chain(1), null));
        assertEquals(List.of("1"), entries());
        assertEquals("1", Files.readString(top(OverlaySnapshotterIT.chain(1), "a")));
    }

    @Test
    void anUnsafeOrUnreadableLayerLeavesNothing() throws IOException {
        InvalidArgumentException unsafe = assertThrows(InvalidArgumentException.class,
                () -> prepare(new LayerBuilder().symlink("l", "/etc").file("l/passwd", "x")));
        assertTrue(unsafe.getMessage().contains("l/passwd"), unsafe.getMessage());
        InvalidArgumentException garbage = assertThrows(InvalidArgumentException.class, () -> snapshots.prepare(
                new ByteArrayInputStream("not gzip".getBytes()), GZIP, "layer sha256:abc", false));
        assertTrue(garbage.getMessage().contains("layer sha256:abc"), garbage.getMessage());
        assertEquals(List.of(), entries());
        assertFalse(snapshots.exists(OverlaySnapshotterIT.chain(1)));
    }
}
