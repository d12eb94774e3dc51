package io.berth.runtime.container.rootfs;

import io.berth.common.os.ErrnoException;
import io.berth.common.os.Libc;
import io.berth.image.snapshot.OverlayMount;
import io.berth.runtime.oci.IdmappedVolumes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** The real mounter: image-service's {@link OverlayMount}, which handles long chains. */
public final class OverlayRootfs implements RootfsMounter {

    @Override
    public void mount(Request r) throws IOException {
        OverlayMount overlay = new OverlayMount(r.base(), r.lowerDirs(), r.upper(), r.work());
        if (r.idmap() == null) {
            overlay.mount(r.target());
            return;
        }
        // The merged root takes its owner from the upper directory: container root must own it to
        // create the mount targets runc needs (/proc, /dev, /etc/resolv.conf...) and its own files.
        Libc.lchown(r.upper().toString(), (int) r.idmap().rootUid(), (int) r.idmap().rootGid());
        overlay.mountIdmapped(r.target(), r.idmap().userns());
    }

    @Override
    public void unmount(Path target) throws IOException {
        // The idmapped volume copies too: nothing else unmounts them (IdmappedVolumes.stageDir).
        IdmappedVolumes.unstage(target);
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

    /**
     * An overlay mount has a device of its own, unlike its parent directory: two stats,
     * instead of a scan of a mount table that grows with every container and pod.
     */
    @Override
    public boolean isMounted(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Object dev = Files.getAttribute(abs, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        return !dev.equals(Files.getAttribute(parent, "unix:dev", LinkOption.NOFOLLOW_LINKS));
    }
}
