package io.berth.runtime.container.rootfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Mounts a container's rootfs: an overlay of the image's snapshot chain (lowest
 * last) plus the container's own upper and work directories. An interface so
 * unit tests can record instead of mount.
 */
public interface RootfsMounter {

    /**
     * @param base      the directory lowerdirs are resolved against (keeps 100+ layers under a page of options)
     * @param lowerDirs the chain's snapshot directories, top-most first
     */
    record Request(Path base, List<Path> lowerDirs, Path upper, Path work, Path target) {
        public Request {
            lowerDirs = List.copyOf(lowerDirs);
        }
    }

    void mount(Request request) throws IOException;

    /** Unmounts {@code target}; succeeds when nothing is mounted there. */
    void unmount(Path target) throws IOException;

    boolean isMounted(Path target) throws IOException;
}
