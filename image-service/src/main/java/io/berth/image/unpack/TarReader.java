package io.berth.image.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A streaming reader of ustar, GNU and PAX archives (the formats layer tars
 * use). Written here rather than borrowed so that PAX xattr values reach the
 * filesystem as the exact bytes the archive holds.
 *
 * <p>Usage: {@link #next()} until it returns null; between calls,
 * {@link #content()} reads the current member's data. Unread data is skipped.
 */
final class TarReader {

    static final int BLOCK = 512;
    /** Extension headers are read into memory; a layer has no business with huge ones. */
    private static final int MAX_EXTENSION = 1 << 20;
    private static final String XATTR = "SCHILY.xattr.";

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private final Map<String, byte[]> globalPax = new HashMap<>();
    private long remaining;
    private long padding;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next member, or null at the end-of-archive marker. */
    TarEntry next() throws IOException {
        skipRest();
        Map<String, byte[]> pax = new HashMap<>();
        String longName = null;
        String longLink = null;
        while (true) {
            if (!readHeader()) {
                return null;
            }
            char flag = (char) header[156];
            long size = TarNumbers.parse(header, 124, 12);
            switch (flag) {
                case 'x' -> pax.putAll(PaxRecords.parse(readExtension(size)));
                case 'g' -> globalPax.putAll(PaxRecords.parse(readExtension(size)));
                case 'L' -> longName = cString(readExtension(size));
                case 'K' -> longLink = cString(readExtension(size));
                case 'V' -> skip(padded(size)); // volume label, not a file
                default -> {
                    return entry(flag, size, merged(pax), longName, longLink);
                }
            }
        }
    }

    /** The current member's data; reads end at the member's size. */
    InputStream content() {
        return new BulkInputStream() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new TarFormatException("archive ends inside a member's data");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private TarEntry entry(char flag, long headerSize, Map<String, byte[]> pax, String longName,
            String longLink) throws IOException {
        if (flag == 'S' || pax.keySet().stream().anyMatch(k -> k.startsWith("GNU.sparse."))) {
            throw new TarFormatException("sparse files are not supported in layers");
        }
        String name = pax.containsKey("path") ? PaxRecords.text(pax.get("path"))
                : longName != null ? longName : ustarName();
        String link = pax.containsKey("linkpath") ? PaxRecords.text(pax.get("linkpath"))
                : longLink != null ? longLink : field(157, 100);
        TarEntry.Type type = type(flag, name);
        long size = pax.containsKey("size") ? PaxRecords.number("size", pax.get("size")) : headerSize;
        // Links, directories, devices and fifos carry no data whatever size says.
        remaining = type == TarEntry.Type.FILE ? size : 0;
        padding = padded(remaining) - remaining;
        long mtime = pax.containsKey("mtime") ? PaxRecords.timeNanos(pax.get("mtime"))
                : TarNumbers.parse(header, 136, 12) * 1_000_000_000L;
        long atime = pax.containsKey("atime") ? PaxRecords.timeNanos(pax.get("atime")) : mtime;
        return new TarEntry(name, type, link,
                (int) (TarNumbers.parse(header, 100, 8) & 07777),
                id(pax, "uid", 108), id(pax, "gid", 116), remaining, mtime, atime,
                (int) TarNumbers.parse(header, 329, 8), (int) TarNumbers.parse(header, 337, 8),
                xattrs(pax));
    }

    private static TarEntry.Type type(char flag, String name) throws TarFormatException {
        return switch (flag) {
            // A V7 archive marks directories only by the trailing slash.
            case '0', '\0', '7' -> name.endsWith("/") ? TarEntry.Type.DIRECTORY : TarEntry.Type.FILE;
            case '1' -> TarEntry.Type.HARDLINK;
            case '2' -> TarEntry.Type.SYMLINK;
            case '3' -> TarEntry.Type.CHAR_DEVICE;
            case '4' -> TarEntry.Type.BLOCK_DEVICE;
            case '5' -> TarEntry.Type.DIRECTORY;
            case '6' -> TarEntry.Type.FIFO;
            default -> throw new TarFormatException("unsupported tar entry type '" + flag + "' for " + name);
        };
    }

    private int id(Map<String, byte[]> pax, String key, int offset) throws IOException {
        long v = pax.containsKey(key) ? PaxRecords.number(key, pax.get(key)) : TarNumbers.parse(header, offset, 8);
        if (v > 0xffffffffL - 1) {
            throw new TarFormatException(key + " " + v + " out of range");
        }
        return (int) v;
    }

    private static Map<String, byte[]> xattrs(Map<String, byte[]> pax) {
        Map<String, byte[]> out = new HashMap<>();
        pax.forEach((k, v) -> {
            if (k.startsWith(XATTR) && k.length() > XATTR.length()) {
                out.put(k.substring(XATTR.length()), v);
            }
        });
        return out;
    }

    private Map<String, byte[]> merged(Map<String, byte[]> pax) {
        if (globalPax.isEmpty()) {
            return pax;
        }
        Map<String, byte[]> m = new HashMap<>(globalPax);
        // A global path would name every following member the same; ignore it.
        m.remove("path");
        m.remove("linkpath");
        m.putAll(pax);
        return m;
    }

    private boolean readHeader() throws IOException {
        int n = in.readNBytes(header, 0, BLOCK);
        if (n == 0) {
            return false; // no end marker at all: tolerated, like GNU tar
        }
        if (n < BLOCK) {
            throw new TarFormatException("archive ends inside a header");
        }
        if (allZero(header)) {
            return false;
        }
        TarNumbers.verifyChecksum(header);
        return true;
    }

    private byte[] readExtension(long size) throws IOException {
        if (size > MAX_EXTENSION) {
            throw new TarFormatException("extension header of " + size + " bytes is too large");
        }
        byte[] body = in.readNBytes((int) size);
        if (body.length < size) {
            throw new TarFormatException("archive ends inside an extension header");
        }
        skip(padded(size) - size);
        return body;
    }

    private void skipRest() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
    }

    private void skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 64 * 1024)];
        while (n > 0) {
            int r = in.read(scratch, 0, (int) Math.min(n, scratch.length));
            if (r < 0) {
                throw new TarFormatException("archive ends inside a member's data");
            }
            n -= r;
        }
    }

    private String ustarName() throws TarFormatException {
        String name = field(0, 100);
        boolean posix = header[257] == 'u' && header[258] == 's' && header[259] == 't'
                && header[260] == 'a' && header[261] == 'r' && header[262] == 0;
        // Only POSIX ustar has a prefix field; GNU keeps atime/ctime there.
        String prefix = posix ? field(345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private String field(int off, int len) throws TarFormatException {
        int end = off;
        while (end < off + len && header[end] != 0) {
            end++;
        }
        return utf8(header, off, end - off);
    }

    private static String cString(byte[] b) throws TarFormatException {
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return utf8(b, 0, end);
    }

    private static String utf8(byte[] b, int off, int len) throws TarFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw new TarFormatException("entry name is not valid UTF-8: "
                    + new String(b, off, len, StandardCharsets.UTF_8));
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }
}
