package io.berth.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The few file operations a cgroup filesystem supports, behind an interface
 * because cgroupfs is not a normal filesystem: mkdir populates control files,
 * writes are validated by the kernel, rmdir fails with EBUSY while tasks
 * remain. Unit tests use a fake that imitates exactly that on a temp dir.
 */
public interface CgroupFs {

    /**
     * Creates one cgroup directory.
     *
     * @return false when it already existed
     */
    boolean mkdir(Path dir) throws IOException;

    /**
     * Removes one empty cgroup directory.
     *
     * @return false when it did not exist
     * @throws CgroupBusyException while tasks or child cgroups remain
     */
    boolean rmdir(Path dir) throws IOException;

    boolean exists(Path path);

    /** The whole content of a control file. */
    String read(Path file) throws IOException;

    /** Writes one value in one write(2); the file must exist, as the kernel creates them. */
    void write(Path file, String value) throws IOException;

    /** Child cgroup directories, by name. */
    List<String> children(Path dir) throws IOException;

    static CgroupFs system() {
        return SystemCgroupFs.INSTANCE;
    }

    /** rmdir refused because the cgroup still has tasks or children. */
    final class CgroupBusyException extends IOException {
        public CgroupBusyException(Path dir, String reason) {
            super("cgroup " + dir + " is busy: " + reason);
        }
    }
}
