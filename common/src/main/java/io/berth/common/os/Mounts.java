package io.berth.common.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Mount-point housekeeping shared by namespace pins and staged mounts. */
public final class Mounts {

    private Mounts() {
    }

    /**
     * Detaches whatever is mounted on {@code point} (a holder that still uses it
     * keeps it until it lets go), then deletes the now plain file or empty
     * directory. Not mounted and missing are fine: every undo path may call it
     * twice. A directory that is not empty is not deleted (the call fails), so it
     * never reaches into what was mounted there.
     */
    public static void detachAndDelete(Path point) throws IOException {
        try {
            Libc.umount2(point.toString(), Libc.MNT_DETACH);
        } catch (ErrnoException e) {
            // EINVAL: not a mount point (half-made, or unmounted already); ENOENT: gone.
            if (e.errno() != ErrnoException.EINVAL && e.errno() != ErrnoException.ENOENT) {
                throw e;
            }
        }
        Files.deleteIfExists(point);
    }
}
