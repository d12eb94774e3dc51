package io.berth.image.snapshot;

import io.berth.common.error.InvalidArgumentException;
import io.berth.common.os.ErrnoException;
import io.berth.common.os.Libc;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An overlay of snapshot directories ({@link Snapshotter#lowerDirs}, top-most
 * first) with an optional writable upper/work pair.
 *
 * <p>Why relative lowerdirs, and how: mount(2) copies at most one page (4 KiB)
 * of options, and a 100+ layer chain of absolute paths does not fit. So
 * lowerdirs are written relative to {@code base} (the snapshots directory,
 * "12/fs:11/fs:...") and the kernel resolves them against the caller's
 * working directory. A JVM has one working directory for all its threads, so
 * the mount runs on a short-lived platform thread that first detaches its fs
 * context with unshare(CLONE_FS) and only then chdir()s: no other thread sees
 * the change. Upper, work and target stay absolute.
 */
public record OverlayMount(Path base, List<Path> lowerDirs, Path upperDir, Path workDir) {

    /** mount(2) copies one page of options including the terminating NUL. */
    static final int MAX_OPTIONS = 4095;

    static {
        // Loaded now: on the mount thread the working directory is another one.
        ErrnoException.class.getName();
    }

    public OverlayMount {
        lowerDirs = List.copyOf(lowerDirs);
        if (lowerDirs.isEmpty()) {
            throw new InvalidArgumentException("an overlay needs at least one lower directory");
        }
        if ((upperDir == null) != (workDir == null)) {
            throw new InvalidArgumentException("overlay upper and work directories go together");
        }
    }

    public static OverlayMount readOnly(Path base, List<Path> lowerDirs) {
        return new OverlayMount(base, lowerDirs, null, null);
    }

    /** The mount data string; lowerdirs under {@code base} are relative to it. */
    public String options() {
        StringJoiner lower = new StringJoiner(":", "lowerdir=", "");
        Path b = base.toAbsolutePath();
        for (Path l : lowerDirs) {
            Path abs = l.toAbsolutePath();
            lower.add(checked(abs.startsWith(b) ? b.relativize(abs).toString() : abs.toString()));
        }
        String opts = lower.toString();
        if (upperDir != null) {
            opts += ",upperdir=" + checked(upperDir.toAbsolutePath().toString())
                    + ",workdir=" + checked(workDir.toAbsolutePath().toString());
        }
        if (opts.length() > MAX_OPTIONS) {
            throw new InvalidArgumentException("overlay of " + lowerDirs.size() + " layers needs "
                    + opts.length() + " bytes of mount options, more than the kernel's " + MAX_OPTIONS);
        }
        return opts;
    }

    /** Overlay splits options at ',' and lowerdirs at ':'; our own paths never hold them. */
    private static String checked(String path) {
        if (path.indexOf(',') >= 0 || path.indexOf(':') >= 0 || path.indexOf('\\') >= 0) {
            throw new InvalidArgumentException("overlay path \"" + path + "\" contains ',', ':' or '\\'");
        }
        return path;
    }

    public void mount(Path target) throws IOException {
        String opts = options();
        String cwd = base.toAbsolutePath().toString();
        String where = target.toAbsolutePath().toString();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("overlay-mount").start(() -> {
            try {
                Libc.unshare(Libc.CLONE_FS);
                Libc.chdir(cwd);
                Libc.mount("overlay", where, "overlay", 0, opts);
            } catch (IOException | RuntimeException e) {
                failure.set(e);
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while mounting an overlay on " + where);
        }
        if (failure.get() != null) {
            throw new IOException("cannot mount overlay of " + lowerDirs.size() + " layers on " + where
                    + ": " + failure.get().getMessage(), failure.get());
        }
    }

    /** Unmounts {@code target}; a busy mount is detached so it goes away once released. */
    public static void unmount(Path target) throws IOException {
        String where = target.toAbsolutePath().toString();
        try {
            Libc.umount2(where, 0);
        } catch (ErrnoException e) {
            if (e.errno() != ErrnoException.EBUSY) {
                throw e;
            }
            Libc.umount2(where, Libc.MNT_DETACH);
        }
    }
}
