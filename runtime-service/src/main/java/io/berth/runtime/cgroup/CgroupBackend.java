package io.berth.runtime.cgroup;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InternalException;
import io.berth.common.error.NotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What differs between cgroup v1 and v2 (how a new directory is prepared,
 * how limits are written, how usage is read), with the parts they share:
 * mkdir -p in every hierarchy, depth-first removal with EBUSY retries, and
 * moving a task.
 */
abstract sealed class CgroupBackend permits V1Backend, V2Backend {

    private static final long MAX_BACKOFF_MS = 50;

    protected final CgroupLayout layout;
    protected final CgroupFs fs;

    CgroupBackend(CgroupLayout layout, CgroupFs fs) {
        this.layout = layout;
        this.fs = fs;
    }

    static CgroupBackend of(CgroupLayout layout, CgroupFs fs) {
        return layout.mode().isV2() ? new V2Backend(layout, fs) : new V1Backend(layout, fs);
    }

    abstract void apply(CgroupPath path, CgroupResources resources);

    abstract CgroupStats stats(CgroupPath path);

    /** Called on {@code parent} before a child is created in it. */
    protected void prepareParent(Path hierarchy, Path parent) throws IOException {
    }

    /** Called on every directory this backend has just created. */
    protected void initialise(Path hierarchy, Path dir) throws IOException {
    }

    /**
     * Creates {@code path}, parents included, in every hierarchy.
     *
     * @return the directories this call created, parents before children, so a
     *         caller can undo exactly its own work in reverse
     */
    List<Path> create(CgroupPath path) {
        List<Path> created = new ArrayList<>();
        try {
            for (Path hierarchy : layout.hierarchies()) {
                Path dir = hierarchy;
                for (String name : path.names()) {
                    prepareParent(hierarchy, dir);
                    dir = dir.resolve(name);
                    if (fs.mkdir(dir)) {
                        created.add(dir);
                        initialise(hierarchy, dir);
                    }
                }
            }
            return created;
        } catch (IOException e) {
            undo(created);
            throw new InternalException("cannot create cgroup " + path + ": " + e.getMessage(), e);
        }
    }

    /** Best effort: removes directories in reverse creation order, leaving any still in use. */
    void undo(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                fs.rmdir(created.get(i));
            } catch (IOException ignored) {
                // Another pod started using a shared parent meanwhile; it stays.
            }
        }
    }

    boolean exists(CgroupPath path) {
        return layout.hierarchies().stream().anyMatch(h -> fs.exists(h.resolve(path.relative())));
    }

    /**
     * Removes {@code path} and every cgroup below it from every hierarchy. A
     * cgroup whose last tasks are still exiting refuses rmdir with EBUSY for a
     * few milliseconds, so busy directories are retried until the deadline.
     */
    void remove(CgroupPath path, Duration timeout) {
        if (path.isRoot()) {
            throw new InternalException("refusing to remove the cgroup root");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Path hierarchy : layout.hierarchies()) {
            removeTree(hierarchy.resolve(path.relative()), deadline);
        }
    }

    private void removeTree(Path dir, long deadline) {
        try {
            // rmdir first: a container's cgroup is a leaf, and listing a v1 cgroup means a
            // stat of each of its ~30 control files, in every hierarchy, per container.
            boolean childrenGone = false;
            long backoff = 1;
            while (true) {
                try {
                    fs.rmdir(dir);
                    return;
                } catch (CgroupFs.CgroupBusyException busy) {
                    if (!childrenGone) {
                        for (String child : fs.children(dir)) {
                            removeTree(dir.resolve(child), deadline);
                        }
                        childrenGone = true;
                        continue;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new FailedPreconditionException(busy.getMessage() + "; tasks did not exit in time");
                    }
                    Thread.sleep(backoff);
                    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                }
            }
        } catch (IOException e) {
            throw new InternalException("cannot remove cgroup " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalException("interrupted while removing cgroup " + dir, e);
        }
    }

    /** Moves a process (all its threads) into {@code path} in every hierarchy. */
    void addProcess(CgroupPath path, long pid) {
        for (Path hierarchy : layout.hierarchies()) {
            write(hierarchy.resolve(path.relative()).resolve("cgroup.procs"), Long.toString(pid));
        }
    }

    /** Processes (not threads) in {@code path} and below. */
    int processCount(CgroupPath path) {
        Path dir = countingHierarchy().resolve(path.relative());
        requireExists(path, dir);
        try {
            return countProcs(dir);
        } catch (IOException e) {
            throw new InternalException("cannot count processes of cgroup " + path + ": " + e.getMessage(), e);
        }
    }

    private int countProcs(Path dir) throws IOException {
        int n = (int) fs.read(dir.resolve("cgroup.procs")).lines().filter(l -> !l.isBlank()).count();
        for (String child : fs.children(dir)) {
            n += countProcs(dir.resolve(child));
        }
        return n;
    }

    /** The hierarchy where every task of the cgroup is listed. */
    protected abstract Path countingHierarchy();

    protected void requireExists(CgroupPath path, Path dir) {
        if (!fs.exists(dir)) {
            throw new NotFoundException("cgroup " + path + " does not exist (" + dir + ")");
        }
    }

    protected void write(Path file, String value) {
        try {
            fs.write(file, value);
        } catch (IOException e) {
            throw new InternalException("cannot write \"" + value + "\" to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a file that may be absent on this kernel: null then. */
    protected String readOptional(Path file) {
        if (!fs.exists(file)) {
            return null;
        }
        try {
            return fs.read(file);
        } catch (IOException e) {
            throw new InternalException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
