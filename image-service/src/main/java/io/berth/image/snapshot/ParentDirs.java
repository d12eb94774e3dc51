package io.berth.image.snapshot;

import io.berth.common.os.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Gives the directories a layer created only to hold its members (a tar with
 * "usr/bin/x" but no "usr/" member) the owner, mode, times and xattrs the same
 * directory has in the layers below. In an overlay the top-most layer's
 * directory decides those attributes, so without this a layer adding one
 * file would turn a lower "/tmp" (1777) into 0755 root. Which lower
 * directory counts is decided as overlayfs looks up: top-most first, stopping
 * at a whiteout, a non-directory or an opaque directory on the way.
 */
final class ParentDirs {

    private static final String OVERLAY_XATTRS = "trusted.overlay.";
    private static final String OPAQUE_XATTR = OVERLAY_XATTRS + "opaque";

    private ParentDirs() {
    }

    /**
     * @param fs the unpacked layer's root
     * @param implicit relative paths, parents first
     * @param lowers the parent chain's directories, top-most first
     */
    static void copyFromLowers(Path fs, List<String> implicit, List<Path> lowers) throws IOException {
        if (lowers.isEmpty()) {
            return;
        }
        for (String rel : implicit) {
            Path source = lookup(rel, lowers);
            if (source != null) {
                copy(source, fs.resolve(rel));
            }
        }
    }

    /** The lower directory an overlay would show at {@code rel}, or null when none would. */
    static Path lookup(String rel, List<Path> lowers) throws IOException {
        String[] parts = rel.split("/");
        for (Path lower : lowers) {
            Path p = lower;
            boolean opaqueAbove = false;
            for (int i = 0; i < parts.length; i++) {
                p = p.resolve(parts[i]);
                Map<String, Object> a = attributes(p);
                if (a == null) {
                    break; // not in this layer; a lower one may have it unless something here hides it
                }
                if (!Boolean.TRUE.equals(a.get("isDirectory"))) {
                    return null; // a file or a whiteout hides everything below it
                }
                if (i == parts.length - 1) {
                    return p;
                }
                opaqueAbove |= isOpaque(p);
            }
            if (opaqueAbove) {
                return null;
            }
        }
        return null;
    }

    private static boolean isOpaque(Path dir) {
        try {
            byte[] v = Libc.lgetxattr(dir.toString(), OPAQUE_XATTR);
            return v != null && v.length == 1 && v[0] == 'y';
        } catch (IOException e) {
            return false; // no such xattr (ENODATA)
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Map<String, Object> a = attributes(from);
        if (a == null) {
            return;
        }
        String s = to.toString();
        // Owner first: chown clears setgid, which the mode then restores.
        Libc.lchown(s, (Integer) a.get("uid"), (Integer) a.get("gid"));
        Libc.chmod(s, (Integer) a.get("mode") & 07777);
        copyXattrs(from.toString(), s);
        Libc.lutimes(s, nanos((FileTime) a.get("lastAccessTime")), nanos((FileTime) a.get("lastModifiedTime")));
    }

    /**
     * Overlay's own attributes stay behind: an opaque mark copied up would
     * hide the very lower directory whose attributes this one stands in for.
     */
    private static void copyXattrs(String from, String to) throws IOException {
        for (String name : Libc.llistxattr(from)) {
            byte[] value = name.startsWith(OVERLAY_XATTRS) ? null : Libc.lgetxattr(from, name);
            if (value != null) {
                Libc.lsetxattr(to, name, value);
            }
        }
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    private static Map<String, Object> attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, "unix:isDirectory,uid,gid,mode,lastAccessTime,lastModifiedTime",
                    LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
