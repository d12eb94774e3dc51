package io.berth.image.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class TarReaderTest {

    private static final String LONG = "d/" + "x".repeat(150) + "/" + "y".repeat(120);

    private static List<TarEntry> readAll(byte[] tar, List<String> contents) throws IOException {
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        List<TarEntry> out = new ArrayList<>();
        for (TarEntry e; (e = r.next()) != null; ) {
            out.add(e);
            contents.add(new String(r.content().readAllBytes(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void readsEveryTypeWithItsFields() throws IOException {
        byte[] tar = new LayerBuilder()
                .dir("d/")
                .file("d/f", "hello", 04755, 1000, 2000)
                .symlink("d/s", "../f")
                .hardlink("d/h", "d/f")
                .device("d/c", TarConstants.LF_CHR, 1, 3)
                .device("d/b", TarConstants.LF_BLK, 8, 1)
                .fifo("d/p")
                .file("d/g", "after the header-only ones")
                .tar();
        List<String> contents = new ArrayList<>();
        List<TarEntry> es = readAll(tar, contents);
        assertEquals(List.of(TarEntry.Type.DIRECTORY, TarEntry.Type.FILE, TarEntry.Type.SYMLINK,
                TarEntry.Type.HARDLINK, TarEntry.Type.CHAR_DEVICE, TarEntry.Type.BLOCK_DEVICE,
                TarEntry.Type.FIFO, TarEntry.Type.FILE), es.stream().map(TarEntry::type).toList());
        TarEntry f = es.get(1);
        assertEquals("d/f", f.name());
        assertEquals(04755, f.mode());
        assertEquals(1000, f.uid());
        assertEquals(2000, f.gid());
        assertEquals(LayerBuilder.MTIME * 1_000_000_000L, f.mtimeNanos());
        assertEquals("hello", contents.get(1));
        assertEquals("../f", es.get(2).linkName());
        assertEquals("d/f", es.get(3).linkName());
        assertEquals(8, es.get(5).devMajor());
        assertEquals(1, es.get(5).devMinor());
        assertEquals("after the header-only ones", contents.get(7));
    }

    @Test
    void longNamesFromPaxAndFromGnuHeaders() throws IOException {
        for (int mode : new int[] {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU}) {
            byte[] tar = new LayerBuilder(mode).file(LONG, "x").symlink("s", LONG).tar();
            List<TarEntry> es = readAll(tar, new ArrayList<>());
            assertEquals(LONG, es.get(0).name(), "mode " + mode);
            assertEquals(LONG, es.get(1).linkName(), "mode " + mode);
        }
    }

    @Test
    void paxIdsBeyondOctalRange() throws IOException {
        byte[] tar = new LayerBuilder().file("f", "x", 0644, 3_000_000, 4_000_000).tar();
        TarEntry e = readAll(tar, new ArrayList<>()).getFirst();
        assertEquals(3_000_000, e.uid());
        assertEquals(4_000_000, e.gid());
    }

    @Test
    void binaryXattrValueKeepsItsBytes() throws IOException {
        TarArchiveEntry e = LayerBuilder.entry("f", TarConstants.LF_NORMAL, 0644);
        e.addPaxHeader("SCHILY.xattr.security.capability", "QQQQ");
        e.addPaxHeader("SCHILY.xattr.user.note", "text");
        byte[] tar = new LayerBuilder().add(e, new byte[0]).tar();
        // Go's archive/tar writes raw bytes into the record; patch them in.
        int at = new String(tar, StandardCharsets.ISO_8859_1).indexOf("QQQQ");
        byte[] raw = {1, 0, (byte) 0xff, (byte) 0x80};
        System.arraycopy(raw, 0, tar, at, 4);
        fixPaxChecksumUnaffected(tar);
        TarEntry r = readAll(tar, new ArrayList<>()).getFirst();
        assertArrayEquals(raw, r.xattrs().get("security.capability"));
        assertArrayEquals("text".getBytes(StandardCharsets.UTF_8), r.xattrs().get("user.note"));
    }

    /** The PAX body is data, not header, so patching it leaves checksums valid; nothing to do. */
    private static void fixPaxChecksumUnaffected(byte[] tar) {
    }

    @Test
    void corruptHeaderIsRefused() {
        byte[] tar = new LayerBuilder().file("f", "x").tar();
        tar[10] ^= 0x55;
        assertThrows(TarFormatException.class, () -> readAll(tar, new ArrayList<>()));
    }

    @Test
    void truncatedDataIsRefused() {
        byte[] tar = new LayerBuilder().file("f", "x".repeat(2000)).tar();
        byte[] cut = java.util.Arrays.copyOf(tar, 512 + 1000);
        TarFormatException e = assertThrows(TarFormatException.class, () -> readAll(cut, new ArrayList<>()));
        assertEquals("archive ends inside a member's data", e.getMessage());
    }

    @Test
    void endMarkerEndsTheArchive() throws IOException {
        byte[] tar = new LayerBuilder().file("f", "x").tar();
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        r.next();
        assertNull(r.next());
    }

    @Test
    void base256Numbers() throws TarFormatException {
        byte[] h = new byte[12];
        h[0] = (byte) 0x80;
        h[10] = 1;
        assertEquals(256, TarNumbers.parse(h, 0, 12));
        java.util.Arrays.fill(h, (byte) 0xff);
        assertEquals(-1, TarNumbers.parse(h, 0, 12));
    }

    @Test
    void paxTimesKeepNanoseconds() throws TarFormatException {
        assertEquals(1_600_000_000_250_000_000L,
                PaxRecords.timeNanos("1600000000.25".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(-500_000_000L, PaxRecords.timeNanos("-0.5".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void malformedPaxRecordIsRefused() {
        assertThrows(TarFormatException.class,
                () -> PaxRecords.parse("99 path=x\n".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(TarFormatException.class,
                () -> PaxRecords.parse("x path=x\n".getBytes(StandardCharsets.US_ASCII)));
    }
}
