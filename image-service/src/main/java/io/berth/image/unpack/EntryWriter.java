package io.berth.image.unpack;

import io.berth.common.os.Libc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns tar members into files of one snapshot directory, in the overlayfs
 * form: ".wh.NAME" becomes a 0/0 character device NAME and ".wh..wh..opq"
 * the xattr trusted.overlay.opaque=y on its directory (OCI image-spec
 * layer.md, "Whiteouts"; kernel overlayfs.rst).
 */
final class EntryWriter {

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final String OVERLAY_XATTRS = "trusted.overlay.";
    private static final String OPAQUE_XATTR = OVERLAY_XATTRS + "opaque";

    private record DirTimes(Path dir, long atime, long mtime) {
    }

    private final SnapshotTree tree;
    private final byte[] buffer = new byte[256 * 1024];
    // Directory times are set last: writing their content would change them again.
    private final Map<Path, DirTimes> dirTimes = new LinkedHashMap<>();
    private long fileBytes;

    EntryWriter(SnapshotTree tree) {
        this.tree = tree;
    }

    long fileBytes() {
        return fileBytes;
    }

    List<String> implicitDirs() {
        return tree.implicitDirs();
    }

    void write(TarEntry e, InputStream content) throws UnsafeEntryException, IOException {
        List<String> components = LayerPath.components(e.name());
        if (components.isEmpty()) {
            if (e.type() != TarEntry.Type.DIRECTORY) {
                throw new UnsafeEntryException("names the snapshot root but is not a directory");
            }
            applyMetadata(tree.root(), e);
            return;
        }
        Path parent = tree.parentOf(components);
        String leaf = components.getLast();
        if (leaf.startsWith(WHITEOUT)) {
            whiteout(parent, leaf, e);
            return;
        }
        Path p = parent.resolve(leaf);
        BasicFileAttributes existing = SnapshotTree.lstat(p);
        boolean keepDir = existing != null && existing.isDirectory() && e.type() == TarEntry.Type.DIRECTORY;
        if (existing != null && !keepDir) {
            removeExisting(p);
        }
        create(p, e, content, keepDir);
        if (e.type() == TarEntry.Type.DIRECTORY) {
            tree.explicitDir(p);
        }
        if (e.type() != TarEntry.Type.HARDLINK) {
            applyMetadata(p, e); // a hardlink shares the inode its target already set up
        }
    }

    private void create(Path p, TarEntry e, InputStream content, boolean keepDir)
            throws UnsafeEntryException, IOException {
        String s = p.toString();
        int perm = e.mode() & 07777;
        switch (e.type()) {
            case FILE -> copy(p, content);
            case DIRECTORY -> {
                if (!keepDir) {
                    Files.createDirectory(p);
                }
            }
            case SYMLINK -> Libc.symlink(e.linkName(), s); // the link text exactly as archived
            case HARDLINK -> Files.createLink(p, tree.existingFile(LayerPath.components(e.linkName())));
            case CHAR_DEVICE -> Libc.mknod(s, Libc.S_IFCHR | perm, Libc.makedev(e.devMajor(), e.devMinor()));
            case BLOCK_DEVICE -> Libc.mknod(s, Libc.S_IFBLK | perm, Libc.makedev(e.devMajor(), e.devMinor()));
            case FIFO -> Libc.mknod(s, Libc.S_IFIFO | perm, 0);
        }
    }

    private void copy(Path p, InputStream content) throws IOException {
        // CREATE_NEW is O_EXCL: it never opens through a symlink at the last component.
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while ((n = content.read(buffer, 0, buffer.length)) > 0) {
                ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
                fileBytes += n;
            }
        }
    }

    private void whiteout(Path parent, String leaf, TarEntry e) throws UnsafeEntryException, IOException {
        if (leaf.equals(OPAQUE)) {
            Libc.lsetxattr(parent.toString(), OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        if (leaf.startsWith(WHITEOUT + WHITEOUT)) {
            return; // other ".wh..wh." names are aufs bookkeeping, meaningless to overlay
        }
        String name = leaf.substring(WHITEOUT.length());
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new UnsafeEntryException("is a whiteout of \"" + name + "\"");
        }
        Path p = parent.resolve(name);
        if (SnapshotTree.lstat(p) != null) {
            removeExisting(p);
        }
        Libc.mknod(p.toString(), Libc.S_IFCHR, 0);
        Libc.lchown(p.toString(), e.uid(), e.gid());
    }

    private void removeExisting(Path p) throws IOException {
        tree.remove(p);
        dirTimes.keySet().removeIf(d -> d.startsWith(p));
    }

    /** Owner first: chown clears setuid/setgid and file capabilities, so mode and xattrs follow it. */
    private void applyMetadata(Path p, TarEntry e) throws IOException {
        String s = p.toString();
        Libc.lchown(s, e.uid(), e.gid());
        if (e.type() != TarEntry.Type.SYMLINK) {
            Libc.chmod(s, e.mode() & 07777); // chmod follows symlinks, so never on one
        }
        for (var x : e.xattrs().entrySet()) {
            // Overlay's own metadata (redirect, metacopy, origin, opaque) comes only from our
            // whiteout translation; a layer must not steer lookups across layers with it.
            if (!x.getKey().startsWith(OVERLAY_XATTRS)) {
                Libc.lsetxattr(s, x.getKey(), x.getValue());
            }
        }
        if (e.type() == TarEntry.Type.DIRECTORY) {
            dirTimes.put(p, new DirTimes(p, e.atimeNanos(), e.mtimeNanos()));
        } else {
            Libc.lutimes(s, e.atimeNanos(), e.mtimeNanos());
        }
    }

    /** Sets directory times once all content is in place. */
    void finish() throws IOException {
        for (DirTimes d : dirTimes.values()) {
            Libc.lutimes(d.dir().toString(), d.atime(), d.mtime());
        }
    }
}
