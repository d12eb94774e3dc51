package io.berth.image.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

class GzipLayerInputStreamTest {

    private static byte[] content(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        for (int i = size / 2; i < size; i++) {
            b[i] = (byte) ('a' + i % 7); // half compressible
        }
        return b;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A source that hands out at most {@code step} bytes per read, to hit every buffer boundary. */
    private static InputStream dribble(byte[] data, int step) {
        return new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    private static byte[] readAll(InputStream source, int buffer) throws IOException {
        try (InputStream in = new GzipLayerInputStream(source, buffer)) {
            return in.readAllBytes();
        }
    }

    @Test
    void decompressesWhatGzipOutputStreamWroteWhateverTheReadSizes() throws IOException {
        byte[] data = content(700_000, 1);
        byte[] gz = gzip(data);
        assertArrayEquals(data, readAll(new ByteArrayInputStream(gz), 256 * 1024));
        assertArrayEquals(data, readAll(dribble(gz, 1), 16));
        assertArrayEquals(data, readAll(dribble(gz, 4093), 1000));
    }

    @Test
    void readsConcatenatedMembersAsOneStream() throws IOException {
        byte[] a = content(100_000, 2);
        byte[] b = content(3, 3);
        byte[] c = new byte[0];
        byte[] all = concat(gzip(a), gzip(b), gzip(c), gzip(a));
        byte[] expected = concat(a, b, c, a);
        assertArrayEquals(expected, readAll(new ByteArrayInputStream(all), 64 * 1024));
        for (int step : new int[] {1, 2, 7, 513}) {
            assertArrayEquals(expected, readAll(dribble(all, step), 64));
        }
    }

    @Test
    void skipsOptionalHeaderFields() throws IOException {
        byte[] data = "optional fields".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(raw, new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
            d.write(data);
        }
        byte[] deflated = raw.toByteArray();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        // FHCRC | FEXTRA | FNAME | FCOMMENT
        gz.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3});
        gz.writeBytes(new byte[] {3, 0, 'x', 'y', 'z'});
        gz.writeBytes("name.tar\0a comment\0".getBytes(StandardCharsets.US_ASCII));
        gz.writeBytes(new byte[] {0x12, 0x34});
        gz.writeBytes(deflated);
        gz.writeBytes(new byte[] {0, 0, 0, 0, (byte) data.length, 0, 0, 0}); // CRC not checked; length is
        assertArrayEquals(data, readAll(dribble(gz.toByteArray(), 3), 8));
    }

    @Test
    void leavesBytesAfterTheLastMemberThatStartNoMember() throws IOException {
        byte[] data = content(5000, 4);
        byte[] withTail = concat(gzip(data), new byte[512]);
        assertArrayEquals(data, readAll(new ByteArrayInputStream(withTail), 1024));
    }

    @Test
    void refusesWhatIsNotWholeGzip() throws IOException {
        byte[] gz = gzip(content(50_000, 5));
        assertThrows(ZipException.class, () -> readAll(new ByteArrayInputStream(
                "plain tar, not gzip".getBytes(StandardCharsets.US_ASCII)), 64));
        assertThrows(EOFException.class, () -> readAll(new ByteArrayInputStream(new byte[0]), 64));
        assertThrows(EOFException.class, () -> readAll(new ByteArrayInputStream(Arrays.copyOf(gz, gz.length / 2)), 64));
        assertThrows(EOFException.class, () -> readAll(new ByteArrayInputStream(Arrays.copyOf(gz, gz.length - 3)), 64));
        byte[] wrongLength = gz.clone();
        wrongLength[gz.length - 4]++;
        assertThrows(ZipException.class, () -> readAll(new ByteArrayInputStream(wrongLength), 64));
        byte[] corrupt = gz.clone();
        corrupt[10] = (byte) 0xff; // the first block's type: 11 is reserved
        assertThrows(ZipException.class, () -> readAll(new ByteArrayInputStream(corrupt), 64));
        byte[] reserved = gz.clone();
        reserved[3] = (byte) 0x80;
        assertThrows(ZipException.class, () -> readAll(new ByteArrayInputStream(reserved), 64));
    }
}
