package io.berth.runtime.container.rootfs;

import io.berth.common.os.ErrnoException;
import io.berth.image.snapshot.OverlayMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real mounter: image-service's {@link OverlayMount}, which handles long chains. */
public final class OverlayRootfs implements RootfsMounter {

    @Override
    public void mount(Request r) throws IOException {
        new OverlayMount(r.base(), r.lowerDirs(), r.upper(), r.work()).mount(r.target());
    }

    @Override
    public void unmount(Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        try {
            OverlayMount.unmount(target);
        } catch (ErrnoException e) {
            // EINVAL: not a mount point (never mounted, or already unmounted): the goal is reached.
            if (e.errno() != ErrnoException.EINVAL && e.errno() != ErrnoException.ENOENT) {
                throw e;
            }
        }
    }

    @Override
    public boolean isMounted(Path target) throws IOException {
        String want = target.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ", 6);
            if (f.length > 4 && unescape(f[4]).equals(want)) {
                return true;
            }
        }
        return false;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
