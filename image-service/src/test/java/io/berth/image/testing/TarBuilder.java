package io.berth.image.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes tar streams (POSIX ustar plus PAX extended headers for long names
 * and {@code SCHILY.xattr.*}) for test layers, with every entry type a layer
 * can carry. Only the JDK is needed, so any module's tests can use it.
 */
public final class TarBuilder {

    private static final long DEFAULT_MTIME = 1_700_000_000L;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Ownership, mode (with setuid/setgid/sticky bits) and mtime of one entry. */
    public record Meta(int mode, int uid, int gid, long mtime, Map<String, byte[]> xattrs) {
        public static Meta of(int mode) {
            return new Meta(mode, 0, 0, DEFAULT_MTIME, Map.of());
        }

        public Meta owner(int u, int g) {
            return new Meta(mode, u, g, mtime, xattrs);
        }

        public Meta modified(long epochSeconds) {
            return new Meta(mode, uid, gid, epochSeconds, xattrs);
        }

        public Meta xattr(String name, byte[] value) {
            Map<String, byte[]> x = new LinkedHashMap<>(xattrs);
            x.put(name, value);
            return new Meta(mode, uid, gid, mtime, x);
        }
    }

    public TarBuilder dir(String path) {
        return dir(path, Meta.of(0755));
    }

    public TarBuilder dir(String path, Meta m) {
        return entry(path.endsWith("/") ? path : path + "/", '5', m, "", new byte[0], 0, 0);
    }

    public TarBuilder file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), Meta.of(0644));
    }

    public TarBuilder file(String path, byte[] content, Meta m) {
        return entry(path, '0', m, "", content, 0, 0);
    }

    public TarBuilder symlink(String path, String target) {
        return entry(path, '2', Meta.of(0777), target, new byte[0], 0, 0);
    }

    public TarBuilder hardlink(String path, String target) {
        return entry(path, '1', Meta.of(0644), target, new byte[0], 0, 0);
    }

    public TarBuilder charDevice(String path, int major, int minor) {
        return entry(path, '3', Meta.of(0666), "", new byte[0], major, minor);
    }

    public TarBuilder blockDevice(String path, int major, int minor) {
        return entry(path, '4', Meta.of(0660), "", new byte[0], major, minor);
    }

    public TarBuilder fifo(String path) {
        return entry(path, '6', Meta.of(0644), "", new byte[0], 0, 0);
    }

    /** An AUFS-style whiteout: {@code dir/.wh.name} deletes {@code dir/name} from lower layers. */
    public TarBuilder whiteout(String path) {
        int slash = path.lastIndexOf('/');
        String wh = slash < 0 ? ".wh." + path : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
        return file(wh, new byte[0], Meta.of(0644));
    }

    /** Marks {@code dir} opaque: nothing of it from lower layers shows through. */
    public TarBuilder opaque(String dir) {
        String d = dir.endsWith("/") ? dir : dir + "/";
        return file(d + ".wh..wh..opq", new byte[0], Meta.of(0644));
    }

    /** Appends a raw entry; public so tests can write hostile names such as {@code ../x}. */
    public TarBuilder entry(String path, char type, Meta m, String link, byte[] data, int major, int minor) {
        Map<String, byte[]> pax = new LinkedHashMap<>();
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        if (name.length > 100) {
            pax.put("path", name);
        }
        if (linkBytes.length > 100) {
            pax.put("linkpath", linkBytes);
        }
        m.xattrs().forEach((k, v) -> pax.put("SCHILY.xattr." + k, v));
        if (!pax.isEmpty()) {
            byte[] records = paxRecords(pax);
            writeHeader("PaxHeaders/" + tail(path), 'x', Meta.of(0644), "", records.length, 0, 0);
            writeData(records);
        }
        writeHeader(path, type, m, link, data.length, major, minor);
        writeData(data);
        return this;
    }

    private static String tail(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String t = p.substring(p.lastIndexOf('/') + 1);
        return t.length() > 80 ? t.substring(0, 80) : t;
    }

    private static byte[] paxRecords(Map<String, byte[]> pax) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        pax.forEach((k, v) -> {
            byte[] key = (" " + k + "=").getBytes(StandardCharsets.UTF_8);
            int body = key.length + v.length + 1;
            int len = body + String.valueOf(body).length();
            if (String.valueOf(len).length() != String.valueOf(body).length()) {
                len++;
            }
            b.writeBytes(String.valueOf(len).getBytes(StandardCharsets.UTF_8));
            b.writeBytes(key);
            b.writeBytes(v);
            b.write('\n');
        });
        return b.toByteArray();
    }

    private void writeHeader(String path, char type, Meta m, String link, long size, int major, int minor) {
        byte[] h = new byte[512];
        put(h, 0, 100, truncate(path, 100));
        octal(h, 100, 8, m.mode() & 07777);
        octal(h, 108, 8, m.uid());
        octal(h, 116, 8, m.gid());
        octal(h, 124, 12, size);
        octal(h, 136, 12, m.mtime());
        h[156] = (byte) type;
        put(h, 157, 100, truncate(link, 100));
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        put(h, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
        put(h, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
        octal(h, 329, 8, major);
        octal(h, 337, 8, minor);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chk, 0, h, 148, 8);
        out.writeBytes(h);
    }

    private static byte[] truncate(String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= max ? b : java.util.Arrays.copyOf(b, max);
    }

    private static void put(byte[] h, int off, int len, byte[] v) {
        System.arraycopy(v, 0, h, off, Math.min(len, v.length));
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        if (s.length() > len - 1) {
            throw new IllegalArgumentException("value " + v + " does not fit a " + len + "-byte tar field");
        }
        s = "0".repeat(len - 1 - s.length()) + s;
        put(h, off, len - 1, s.getBytes(StandardCharsets.US_ASCII));
    }

    private void writeData(byte[] data) {
        out.writeBytes(data);
        int pad = (512 - data.length % 512) % 512;
        out.writeBytes(new byte[pad]);
    }

    /** The finished archive with its two zero blocks. */
    public byte[] build() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(new byte[1024]);
        return copy.toByteArray();
    }
}
