package io.berth.image.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import io.berth.common.os.Libc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacks into a real directory as root and checks every result with lstat. */
class LayerUnpackerIT {

    @TempDir
    Path tmp;

    private Path unpack(byte[] tar) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("fs"));
        new LayerUnpacker().unpack(new ByteArrayInputStream(tar), LayerCompression.NONE, dir, true);
        return dir;
    }

    static Map<String, Object> lstat(Path p) throws IOException {
        return Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
    }

    private static TarArchiveEntry owned(String name, byte type, int mode, int uid, int gid, long mtime) {
        TarArchiveEntry e = LayerBuilder.entry(name, type, mode);
        e.setIds(uid, gid);
        e.setModTime(FileTime.from(Instant.ofEpochSecond(mtime)));
        return e;
    }

    @Test
    void everyTypeWithOwnerModeAndTimes() throws IOException {
        TarArchiveEntry sym = owned("d/sym", TarConstants.LF_SYMLINK, 0777, 7, 8, 1_500_000_001L);
        sym.setLinkName("../elsewhere/nowhere");
        TarArchiveEntry chr = owned("d/null", TarConstants.LF_CHR, 0666, 0, 5, 1_500_000_002L);
        chr.setDevMajor(1);
        chr.setDevMinor(3);
        TarArchiveEntry blk = owned("d/sda", TarConstants.LF_BLK, 0660, 0, 6, 1_500_000_003L);
        blk.setDevMajor(8);
        blk.setDevMinor(0);
        Path fs = unpack(new LayerBuilder()
                .add(owned("d/", TarConstants.LF_DIR, 0750, 11, 12, 1_400_000_000L), null)
                .add(owned("d/suid", TarConstants.LF_NORMAL, 04755, 1000, 2000, 1_500_000_000L),
                        "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8))
                .add(owned("d/sticky/", TarConstants.LF_DIR, 01777, 0, 0, 1_400_000_001L), null)
                .add(owned("d/sgid", TarConstants.LF_NORMAL, 02711, 3, 4, 1_500_000_004L), new byte[0])
                .add(sym, null).add(chr, null).add(blk, null)
                .add(owned("d/pipe", TarConstants.LF_FIFO, 0620, 9, 9, 1_500_000_005L), null)
                .tar());
        assertNode(fs.resolve("d"), 0040750, 11, 12, 1_400_000_000L);
        assertNode(fs.resolve("d/suid"), 0104755, 1000, 2000, 1_500_000_000L);
        assertEquals("#!/bin/sh\n", Files.readString(fs.resolve("d/suid")));
        assertNode(fs.resolve("d/sticky"), 0041777, 0, 0, 1_400_000_001L);
        assertNode(fs.resolve("d/sgid"), 0102711, 3, 4, 1_500_000_004L);
        assertEquals(7, lstat(fs.resolve("d/sym")).get("uid"));
        assertEquals(8, lstat(fs.resolve("d/sym")).get("gid"));
        assertEquals(mtime(1_500_000_001L), lstat(fs.resolve("d/sym")).get("lastModifiedTime"));
        assertEquals("../elsewhere/nowhere", Files.readSymbolicLink(fs.resolve("d/sym")).toString());
        assertNode(fs.resolve("d/null"), 0020666, 0, 5, 1_500_000_002L);
        assertEquals(Libc.makedev(1, 3), lstat(fs.resolve("d/null")).get("rdev"));
        assertNode(fs.resolve("d/sda"), 0060660, 0, 6, 1_500_000_003L);
        assertEquals(Libc.makedev(8, 0), lstat(fs.resolve("d/sda")).get("rdev"));
        assertNode(fs.resolve("d/pipe"), 0010620, 9, 9, 1_500_000_005L);
    }

    private static FileTime mtime(long seconds) {
        return FileTime.from(Instant.ofEpochSecond(seconds));
    }

    private static void assertNode(Path p, int mode, int uid, int gid, long mtime) throws IOException {
        Map<String, Object> a = lstat(p);
        assertEquals(Integer.toOctalString(mode), Integer.toOctalString((Integer) a.get("mode")), p + " mode");
        assertEquals(uid, a.get("uid"), p + " uid");
        assertEquals(gid, a.get("gid"), p + " gid");
        assertEquals(mtime(mtime), a.get("lastModifiedTime"), p + " mtime");
    }

    @Test
    void directoryTimeIsSetAfterItsContent() throws IOException {
        Path fs = unpack(new LayerBuilder()
                .add(owned("a/", TarConstants.LF_DIR, 0755, 0, 0, 1_000_000_000L), null)
                .file("a/late", "written after the directory entry")
                .add(owned("a/", TarConstants.LF_DIR, 0700, 0, 0, 1_100_000_000L), null)
                .tar());
        assertNode(fs.resolve("a"), 0040700, 0, 0, 1_100_000_000L);
        assertTrue(Files.exists(fs.resolve("a/late")));
    }

    @Test
    void xattrsFromPaxIncludingBinaryCapabilities() throws IOException {
        TarArchiveEntry e = LayerBuilder.entry("bin/ping", TarConstants.LF_NORMAL, 0755);
        e.addPaxHeader("SCHILY.xattr.user.berth", "hello");
        e.addPaxHeader("SCHILY.xattr.trusted.berth", "QQQQ");
        byte[] tar = new LayerBuilder().add(e, "elf".getBytes(StandardCharsets.UTF_8)).tar();
        byte[] raw = {1, 0, (byte) 0xff, (byte) 0x80};
        System.arraycopy(raw, 0, tar, new String(tar, StandardCharsets.ISO_8859_1).indexOf("QQQQ"), 4);
        Path f = unpack(tar).resolve("bin/ping");
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), Libc.lgetxattr(f.toString(), "user.berth"));
        assertArrayEquals(raw, Libc.lgetxattr(f.toString(), "trusted.berth"));
    }

    @Test
    void overlayXattrsFromTheLayerAreNotApplied() throws IOException {
        TarArchiveEntry e = LayerBuilder.entry("d/", TarConstants.LF_DIR, 0755);
        e.addPaxHeader("SCHILY.xattr.trusted.overlay.redirect", "/etc");
        e.addPaxHeader("SCHILY.xattr.trusted.overlay.opaque", "y");
        e.addPaxHeader("SCHILY.xattr.trusted.kept", "1");
        Path d = unpack(new LayerBuilder().add(e, null).tar()).resolve("d");
        assertNull(Libc.lgetxattr(d.toString(), "trusted.overlay.redirect"));
        assertNull(Libc.lgetxattr(d.toString(), "trusted.overlay.opaque"));
        assertArrayEquals("1".getBytes(StandardCharsets.UTF_8), Libc.lgetxattr(d.toString(), "trusted.kept"));
    }

    @Test
    void symlinkTextIsKeptByteForByte() throws Exception {
        Path link = unpack(new LayerBuilder().symlink("lib", "usr//lib/").tar()).resolve("lib");
        // NIO normalises link text when reading it back too; ask readlink(1).
        Process p = new ProcessBuilder("readlink", link.toString()).start();
        assertEquals("usr//lib/\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, p.waitFor());
    }

    @Test
    void hardlinksShareTheInode() throws IOException {
        Path fs = unpack(new LayerBuilder()
                .file("usr/bin/a", "same", 0755, 0, 0)
                .hardlink("usr/bin/b", "usr/bin/a")
                .hardlink("/usr/bin/c", "/usr/bin/a")
                .tar());
        Object ino = lstat(fs.resolve("usr/bin/a")).get("ino");
        assertEquals(ino, lstat(fs.resolve("usr/bin/b")).get("ino"));
        assertEquals(ino, lstat(fs.resolve("usr/bin/c")).get("ino"));
        assertEquals(3, lstat(fs.resolve("usr/bin/a")).get("nlink"));
    }

    @Test
    void whiteoutsTakeTheOverlayForm() throws IOException {
        Path fs = unpack(new LayerBuilder()
                .dir("etc/")
                .file("etc/.wh.passwd", "")
                .dir("var/cache/")
                .file("var/cache/.wh..wh..opq", "")
                .file("var/cache/kept", "new")
                .file("var/.wh..wh.plnk", "")
                .tar());
        Map<String, Object> w = lstat(fs.resolve("etc/passwd"));
        assertEquals(0020000, (Integer) w.get("mode") & 0170000);
        assertEquals(0L, w.get("rdev"));
        assertFalse(Files.exists(fs.resolve("etc/.wh.passwd"), LinkOption.NOFOLLOW_LINKS));
        assertArrayEquals("y".getBytes(StandardCharsets.US_ASCII),
                Libc.lgetxattr(fs.resolve("var/cache").toString(), "trusted.overlay.opaque"));
        assertNull(Libc.lgetxattr(fs.resolve("etc").toString(), "trusted.overlay.opaque"));
        assertEquals("new", Files.readString(fs.resolve("var/cache/kept")));
        assertFalse(Files.exists(fs.resolve("var/.wh..wh.plnk"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void laterMemberReplacesEarlierOneWithoutFollowingIt() throws IOException {
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Path victim = Files.writeString(outside.resolve("victim"), "untouched");
        Path fs = unpack(new LayerBuilder()
                .symlink("f", victim.toString())
                .file("f", "replaced")
                .dir("d/")
                .file("d/x", "x")
                .file("d", "a file now")
                .tar());
        assertEquals("untouched", Files.readString(victim));
        assertEquals("replaced", Files.readString(fs.resolve("f")));
        assertEquals("a file now", Files.readString(fs.resolve("d")));
    }

    @Test
    void diffIdIsTheSha256OfTheTarWhateverTheCompression() throws Exception {
        byte[] tar = new LayerBuilder().file("a", "x".repeat(10_000)).dir("b/").tar();
        String expected = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tar));
        for (LayerCompression c : LayerCompression.values()) {
            Path blob = Files.write(tmp.resolve("blob-" + c), LayerBuilder.compress(tar, c));
            Path dir = Files.createDirectory(tmp.resolve("fs-" + c));
            LayerUnpacker.Result r = new LayerUnpacker().unpack(blob, LayerBuilder.mediaType(c), dir);
            assertEquals(expected, r.diffId(), c.toString());
            assertEquals(tar.length, r.tarBytes(), c.toString());
            assertEquals("x".repeat(10_000), Files.readString(dir.resolve("a")), c.toString());
        }
    }

    @Test
    void nonAsciiNamesNeedAUtf8LocaleAndSaySo() throws IOException {
        byte[] tar = new LayerBuilder().file("usr/share/caf\u00e9/\u65e5\u672c", "x").tar();
        if ("UTF-8".equals(System.getProperty("sun.jnu.encoding"))) {
            assertEquals("x", Files.readString(unpack(tar).resolve("usr/share/caf\u00e9/\u65e5\u672c")));
        } else {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> unpack(tar));
            assertTrue(e.getMessage().contains("LANG=C.UTF-8"), e.getMessage());
        }
    }
}
