package io.berth.image.unpack;

import java.util.Map;

/**
 * One tar member after its GNU and PAX extension headers have been folded in.
 * Names are exactly as the archive spells them; {@link LayerPath} decides
 * whether they are safe. Xattr values are raw bytes (they are binary for
 * {@code security.capability}).
 */
public record TarEntry(
        String name,
        Type type,
        String linkName,
        int mode,
        int uid,
        int gid,
        long size,
        long mtimeNanos,
        long atimeNanos,
        int devMajor,
        int devMinor,
        Map<String, byte[]> xattrs) {

    /** The member kinds a layer may hold (POSIX ustar typeflag). */
    public enum Type {
        FILE,
        HARDLINK,
        SYMLINK,
        CHAR_DEVICE,
        BLOCK_DEVICE,
        DIRECTORY,
        FIFO
    }
}
