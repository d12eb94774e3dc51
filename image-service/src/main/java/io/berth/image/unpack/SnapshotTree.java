package io.berth.image.unpack;

import io.berth.common.fs.AtomicFiles;
import io.berth.common.os.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The directory one layer is unpacked into, seen only through checked paths.
 *
 * <p>Every directory component on the way to a member is lstat'ed; a symlink
 * there is refused, not followed, so nothing the layer planted (nor anything
 * else) can redirect a write outside the root. This is race-free because the
 * unpacker is the only writer of a fresh, private directory and applies
 * members one at a time. Directories already checked are remembered; the
 * memory is dropped whenever something is removed, since only removal can
 * turn a checked directory into something else.
 */
final class SnapshotTree {

    private final Path root;
    private final Set<String> checkedDirs = new HashSet<>();
    // Directories made only because a member lay below them (no member of their own): their
    // attributes are ours, not the image's, and the snapshotter takes them from the lower layers.
    private final Set<String> implicitDirs = new HashSet<>();

    SnapshotTree(Path root) {
        this.root = root.toAbsolutePath();
    }

    Path root() {
        return root;
    }

    /** The real directory that will hold the last component, creating missing ones (0755). */
    Path parentOf(List<String> components) throws UnsafeEntryException, IOException {
        Path dir = root;
        StringBuilder rel = new StringBuilder();
        for (int i = 0; i < components.size() - 1; i++) {
            String c = components.get(i);
            dir = dir.resolve(c);
            rel.append(c).append('/');
            if (checkedDirs.contains(rel.toString())) {
                continue;
            }
            BasicFileAttributes a = lstat(dir);
            if (a == null) {
                Files.createDirectory(dir);
                Libc.chmod(dir.toString(), 0755); // not subject to our umask
                implicitDirs.add(rel.substring(0, rel.length() - 1));
            } else if (a.isSymbolicLink()) {
                throw new UnsafeEntryException("goes through the symlink \"" + rel + "\"");
            } else if (!a.isDirectory()) {
                throw new UnsafeEntryException("goes through \"" + rel + "\", which is not a directory");
            }
            checkedDirs.add(rel.toString());
        }
        return dir;
    }

    /** An existing non-directory reached through real directories only: a hardlink target. */
    Path existingFile(List<String> components) throws UnsafeEntryException, IOException {
        Path p = root;
        for (int i = 0; i < components.size(); i++) {
            p = p.resolve(components.get(i));
            BasicFileAttributes a = lstat(p);
            boolean last = i == components.size() - 1;
            if (a == null) {
                throw new UnsafeEntryException("links to a missing target");
            } else if (!last && a.isSymbolicLink()) {
                throw new UnsafeEntryException("links through the symlink \"" + components.get(i) + "\"");
            } else if (!last && !a.isDirectory() || last && a.isDirectory()) {
                throw new UnsafeEntryException("links to something that is not a file");
            }
        }
        return p;
    }

    /** Removes whatever is at {@code p} without following symlinks, so a later member replaces it. */
    void remove(Path p) throws IOException {
        AtomicFiles.deleteTree(p);
        checkedDirs.clear();
        String rel = root.relativize(p).toString();
        implicitDirs.removeIf(d -> d.equals(rel) || d.startsWith(rel + "/"));
    }

    /** A directory member arrived for {@code p}: its attributes are the image's from now on. */
    void explicitDir(Path p) {
        implicitDirs.remove(root.relativize(p).toString());
    }

    /** Relative paths of the directories this layer made without a member of their own, parents first. */
    List<String> implicitDirs() {
        return implicitDirs.stream().sorted().toList();
    }

    static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
