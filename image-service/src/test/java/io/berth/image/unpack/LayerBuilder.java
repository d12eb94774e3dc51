package io.berth.image.unpack;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer tars in memory for tests; names are kept exactly as given (absolute ones too). */
public final class LayerBuilder {

    public static final long MTIME = 1_600_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    public LayerBuilder() {
        this(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    /** {@code longFileMode} LONGFILE_GNU gives GNU 'L'/'K' headers instead of PAX. */
    public LayerBuilder(int longFileMode) {
        tar.setLongFileMode(longFileMode);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    public LayerBuilder dir(String name) {
        return add(entry(name, TarConstants.LF_DIR, 0755), null);
    }

    public LayerBuilder file(String name, String content) {
        return file(name, content, 0644, 0, 0);
    }

    public LayerBuilder file(String name, String content, int mode, int uid, int gid) {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mode);
        e.setIds(uid, gid);
        return add(e, content.getBytes(StandardCharsets.UTF_8));
    }

    public LayerBuilder file(String name, byte[] content) {
        return add(entry(name, TarConstants.LF_NORMAL, 0644), content);
    }

    public LayerBuilder symlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK, 0777);
        e.setLinkName(target);
        return add(e, null);
    }

    public LayerBuilder hardlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_LINK, 0644);
        e.setLinkName(target);
        return add(e, null);
    }

    public LayerBuilder device(String name, byte type, int major, int minor) {
        TarArchiveEntry e = entry(name, type, 0660);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        return add(e, null);
    }

    public LayerBuilder fifo(String name) {
        return add(entry(name, TarConstants.LF_FIFO, 0600), null);
    }

    /** Adds an entry prepared by the caller (owner, mtime, PAX headers). */
    public LayerBuilder add(TarArchiveEntry e, byte[] content) {
        try {
            e.setSize(content == null ? 0 : content.length);
            tar.putArchiveEntry(e);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
            return this;
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    public static TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setMode(mode);
        e.setModTime(FileTime.from(Instant.ofEpochSecond(MTIME)));
        return e;
    }

    public byte[] tar() {
        try {
            tar.finish();
            tar.close();
            return bytes.toByteArray();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    public static byte[] compress(byte[] tar, LayerCompression c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream o = switch (c) {
            case NONE -> out;
            case GZIP -> new GZIPOutputStream(out);
            case ZSTD -> new ZstdOutputStream(out);
        }) {
            o.write(tar);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return out.toByteArray();
    }

    public static String mediaType(LayerCompression c) {
        return switch (c) {
            case NONE -> "application/vnd.oci.image.layer.v1.tar";
            case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
            case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
        };
    }
}
