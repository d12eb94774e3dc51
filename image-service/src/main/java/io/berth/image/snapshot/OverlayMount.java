package io.berth.image.snapshot;

import io.berth.common.error.InvalidArgumentException;
import io.berth.common.fs.AtomicFiles;
import io.berth.common.os.ErrnoException;
import io.berth.common.os.Libc;
import io.berth.common.os.UserNamespaceHolder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 *
 * <p>That is the fallback. On kernels whose overlayfs takes "lowerdir+" (6.8+)
 * the mount goes through the new mount API instead: one fsconfig call per
 * layer with its absolute path, so there is no page limit, no thread and no
 * chdir (the thread alone cost about a quarter of a CreateContainer). The same
 * path builds idmapped rootfs for user-namespaced pods ({@link #mountIdmapped}).
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
        if (FsContext.LOWERDIR_PLUS) {
            mountByFsContext(target, -1);
            return;
        }
        mountByOptions(target);
    }

    /** Whether overlayfs here takes layers one by one ("lowerdir+", Linux 6.8+), which {@link #mountIdmapped} needs. */
    public static boolean layerByLayerSupported() {
        return FsContext.LOWERDIR_PLUS;
    }

    /**
     * Whether {@link #mountIdmapped} works here, found out once by doing it:
     * a one-file layer in a temporary directory, idmapped through a throwaway
     * user namespace, must show the mapped owner. Costs one short-lived
     * process, the first time only.
     */
    public static boolean idmappedLayersWork() {
        return IdmapProbe.WORKS;
    }

    private static final class IdmapProbe {
        static final long MAPPED_ROOT = 1_000_000;
        static final boolean WORKS = FsContext.LOWERDIR_PLUS && run();

        private static boolean run() {
            Path dir = null;
            try {
                dir = Files.createTempDirectory("berth-idmap-probe");
                Path lower = Files.createDirectory(dir.resolve("lower"));
                Files.writeString(lower.resolve("f"), "x");
                Path merged = Files.createDirectory(dir.resolve("merged"));
                OverlayMount m = new OverlayMount(dir, List.of(lower), Files.createDirectory(dir.resolve("upper")),
                        Files.createDirectory(dir.resolve("work")));
                try (UserNamespaceHolder ns = UserNamespaceHolder.start("0 " + MAPPED_ROOT + " 1",
                        "0 " + MAPPED_ROOT + " 1", Duration.ofSeconds(5))) {
                    m.mountIdmapped(merged, ns.path());
                }
                try {
                    return Files.getAttribute(merged.resolve("f"), "unix:uid").equals((int) MAPPED_ROOT);
                } finally {
                    unmount(merged);
                }
            } catch (IOException | RuntimeException e) {
                return false;
            } finally {
                if (dir != null) {
                    try {
                        AtomicFiles.deleteTree(dir);
                    } catch (IOException e) {
                        // A temporary directory; the mount is gone, so nothing is lost by leaving it.
                    }
                }
            }
        }
    }

    /**
     * Mounts the overlay with every lower layer idmapped through the user
     * namespace pinned at {@code userns}: a file that is root's on disk shows
     * as the host id that namespace maps container root to, so inside it the
     * image's files are root's. Upper and work are not idmapped: what the
     * container writes lands on disk with its host ids, and the caller gives
     * the upper directory to the mapped root so that it may write at all.
     * The overlay itself is mounted by berthd in the host's user namespace.
     *
     * @throws IOException also when the kernel lacks "lowerdir+" or idmapped layers
     */
    public void mountIdmapped(Path target, Path userns) throws IOException {
        if (!FsContext.LOWERDIR_PLUS) {
            throw new IOException("cannot mount an idmapped overlay on " + target + ": this kernel's overlayfs "
                    + "does not take \"lowerdir+\" (Linux 6.8+)");
        }
        int ns = Libc.open(userns.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        try {
            mountByFsContext(target, ns);
        } finally {
            Libc.close(ns);
        }
    }

    /**
     * fsopen, one "lowerdir+" per layer, upper, work, fsmount, move_mount. With
     * {@code usernsFd} the layers are read through one detached, idmapped clone
     * of {@code base} (one clone for the whole chain rather than one per layer),
     * named by its /proc/self/fd path; it goes away once the overlay holds its layers.
     */
    private void mountByFsContext(Path target, int usernsFd) throws IOException {
        String where = target.toAbsolutePath().toString();
        Path b = base.toAbsolutePath();
        List<Integer> fds = new ArrayList<>();
        try {
            int fs = track(fds, Libc.fsopen("overlay"));
            String baseRef = usernsFd < 0 ? b.toString() : idmappedClone(fds, b, usernsFd);
            for (Path l : lowerDirs) {
                Path abs = l.toAbsolutePath();
                String ref = abs.startsWith(b) ? baseRef + "/" + b.relativize(abs)
                        : usernsFd < 0 ? abs.toString() : idmappedClone(fds, abs, usernsFd);
                Libc.fsconfigString(fs, "lowerdir+", ref);
            }
            if (upperDir != null) {
                Libc.fsconfigString(fs, "upperdir", upperDir.toAbsolutePath().toString());
                Libc.fsconfigString(fs, "workdir", workDir.toAbsolutePath().toString());
            }
            Libc.fsconfigCreate(fs);
            Libc.moveMount(track(fds, Libc.fsmount(fs)), where);
        } catch (ErrnoException e) {
            throw new IOException("cannot mount overlay of " + lowerDirs.size() + " layers on " + where
                    + (usernsFd < 0 ? "" : " (idmapped)") + ": " + e.getMessage(), e);
        } finally {
            fds.forEach(Libc::close);
        }
    }

    private static String idmappedClone(List<Integer> fds, Path dir, int usernsFd) throws ErrnoException {
        int clone = track(fds, Libc.openTreeClone(dir.toString(), false));
        Libc.mountSetattrIdmap(clone, usernsFd, false);
        return "/proc/self/fd/" + clone;
    }

    private static int track(List<Integer> fds, int fd) {
        fds.add(fd);
        return fd;
    }

    /** The kernel's answer, asked once: does overlayfs accept "lowerdir+"? */
    private static final class FsContext {
        static final boolean LOWERDIR_PLUS = probe();

        private static boolean probe() {
            int fs;
            try {
                fs = Libc.fsopen("overlay");
            } catch (ErrnoException e) {
                return false;
            }
            try {
                Libc.fsconfigString(fs, "lowerdir+", "/");
                return true;
            } catch (ErrnoException e) {
                return false;
            } finally {
                Libc.close(fs);
            }
        }
    }

    /** The fallback: one mount(2) with relative lowerdirs, from a thread whose own working directory is base. */
    void mountByOptions(Path target) throws IOException {
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
