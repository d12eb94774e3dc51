package io.berth.runtime.container;

import io.berth.common.fs.AtomicFiles;
import io.berth.runtime.container.runtime.OciRuntime;
import io.berth.runtime.store.IdGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up: removes what containers left behind with no record to account for
 * it (a {@code kill -9} between two steps of a create or a remove, whatever
 * order those steps take): OCI runtime state under berthd's own runtime roots
 * (killed and deleted), rootfs mounts and bundles under the records dir, exit
 * files and sockets in the state dir, and ExecSync scratch (no ExecSync
 * outlives the berthd that ran it). Anything named by a record, even an
 * unreadable one, is left alone. Every step is best effort: one leftover that
 * cannot go must not stop berthd from serving.
 */
final class OrphanSweep {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);
    private static final String ROOT_ARG = "--root=";

    /** What was removed, by kind. */
    record Report(int runtimeStates, int mounts, int bundles, int stateFiles) {
        int total() {
            return runtimeStates + mounts + bundles + stateFiles;
        }
    }

    private final ContainerDeps deps;
    private final Set<String> known;

    /** @param known ids of every container record on disk */
    OrphanSweep(ContainerDeps deps, Set<String> known) {
        this.deps = deps;
        this.known = known;
    }

    Report sweep() {
        // Runtime state first: deleting it kills an orphan's processes, which frees its rootfs.
        int states = runtimeStates();
        int mounts = mounts();
        int bundles = bundles();
        int files = stateFiles();
        Report r = new Report(states, mounts, bundles, files);
        if (r.total() > 0) {
            LOG.warn("removed container leftovers with no record: {} runtime states, {} rootfs mounts, {} bundles, "
                    + "{} state files", states, mounts, bundles, files);
        }
        return r;
    }

    private boolean orphan(String name) {
        return IdGenerator.isFullId(name) && !known.contains(name);
    }

    /**
     * Only roots under berthd's state dir are berthd's alone: a configured root
     * such as /run/runc may hold other tools' containers, which are not ours to kill.
     */
    private int runtimeStates() {
        int n = 0;
        for (OciRuntime rt : deps.runtimes().all().values()) {
            Path root = rootOf(rt);
            if (root == null || !root.startsWith(deps.layout().state())) {
                continue;
            }
            for (Path p : list(root)) {
                String id = p.getFileName().toString();
                if (Files.isDirectory(p) && orphan(id)) {
                    n += attempt("delete the runtime state of " + id, () -> rt.delete(id));
                }
            }
        }
        return n;
    }

    static Path rootOf(OciRuntime rt) {
        return rt.globalArgs().stream().filter(a -> a.startsWith(ROOT_ARG)).findFirst()
                .map(a -> Path.of(a.substring(ROOT_ARG.length()))).orElse(null);
    }

    private int mounts() {
        Path records = deps.layout().recordsDir().toAbsolutePath().normalize();
        List<Path> targets = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ", 6);
                Path m = f.length > 4 ? Path.of(f[4].replace("\\040", " ")) : null;
                if (m != null && m.startsWith(records) && m.getNameCount() > records.getNameCount()
                        && orphan(m.getName(records.getNameCount()).toString())) {
                    targets.add(m);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read the mount table to sweep orphaned rootfs mounts", e);
            return 0;
        }
        targets.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        int n = 0;
        for (Path t : targets) {
            n += attempt("unmount " + t, () -> deps.rootfs().unmount(t));
        }
        return n;
    }

    private int bundles() {
        int n = 0;
        for (Path p : list(deps.layout().recordsDir())) {
            String id = p.getFileName().toString();
            if (Files.isDirectory(p) && orphan(id)) {
                n += attempt("delete the bundle " + p, () -> {
                    Path rootfs = deps.layout().rootfs(id);
                    deps.rootfs().unmount(rootfs);
                    if (deps.rootfs().isMounted(rootfs)) {
                        // Deleting through a live overlay would only whiteout files in its upper dir.
                        throw new IOException("its rootfs is still mounted");
                    }
                    AtomicFiles.deleteTree(p);
                });
            }
        }
        return n;
    }

    private int stateFiles() {
        ContainerLayout l = deps.layout();
        int n = 0;
        for (Path p : list(l.exitDir())) {
            String name = p.getFileName().toString();
            if (orphan(name) || name.startsWith("exec-")) {
                n += attempt("delete the exit file " + p, () -> Files.deleteIfExists(p));
            }
        }
        // Exec sessions' sockets and exit files go too: a stream or ExecSync never outlives berthd.
        Set<Path> liveSockets = new java.util.HashSet<>();
        known.forEach(id -> liveSockets.add(l.socket(id)));
        for (Path p : list(l.socketDir())) {
            if (!liveSockets.contains(p)) {
                n += attempt("delete the socket " + p, () -> Files.deleteIfExists(p));
            }
        }
        for (Path p : list(l.execDir())) {
            n += attempt("delete the exec scratch " + p, () -> AtomicFiles.deleteTree(p));
        }
        return n;
    }

    private interface Step {
        void run() throws IOException;
    }

    private static int attempt(String what, Step s) {
        try {
            s.run();
            return 1;
        } catch (IOException | RuntimeException e) {
            LOG.warn("start-up sweep: cannot {}: {}", what, e.getMessage());
            return 0;
        }
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            LOG.warn("start-up sweep: cannot list {}: {}", dir, e.getMessage());
            return List.of();
        }
    }
}
