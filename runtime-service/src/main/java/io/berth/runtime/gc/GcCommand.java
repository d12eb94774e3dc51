package io.berth.runtime.gc;

import io.berth.image.content.ContentStore;
import io.berth.image.snapshot.OverlaySnapshotter;
import io.berth.image.store.GarbageCollector;
import io.berth.image.store.ImageStore;
import io.berth.image.store.Leases;
import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerLayout;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.store.RecordStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code berthd gc [--dry-run]}: garbage collection by hand, while berthd is
 * not running. A running berthd collects by itself ({@code [image]
 * gc_interval}) and is the only writer of its stores, so this command takes
 * the lock berthd holds on {@code <socket>.lock} and refuses when it cannot:
 * two processes deleting and unpacking in one root would race.
 */
public final class GcCommand {

    public static final int OK = 0;
    public static final int FAILED = 1;

    private final BerthConfig config;
    private final PrintStream out;
    private final PrintStream err;

    public GcCommand(BerthConfig config, PrintStream out, PrintStream err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    public int run(boolean dryRun) throws IOException {
        Path root = config.rootPath();
        if (!Files.isDirectory(root)) {
            out.println("berthd gc: " + root + " does not exist; nothing to collect");
            return OK;
        }
        try (DaemonLock lock = DaemonLock.take(config.socketPath())) {
            if (!lock.held()) {
                err.println("berthd gc: berthd (pid " + lock.holder() + ") is running on " + config.socketPath()
                        + "; it collects every [image] gc_interval by itself. Stop it first to collect by hand.");
                return FAILED;
            }
            return collect(root, dryRun);
        }
    }

    private int collect(Path root, boolean dryRun) throws IOException {
        ContentStore content = new ContentStore(root.resolve("content"));
        ImageStore images = ImageStore.open(root.resolve("images"));
        // The same construction as berthd's (NodeServices), so both see one snapshot tree.
        OverlaySnapshotter snapshots = new OverlaySnapshotter(root.resolve("snapshots"));
        RecordStore<Container> records = new RecordStore<>(new ContainerLayout(root, config.statePath())
                .recordsDir(), "container", Container.class, ContainerService.SCHEMA, Container::id);
        RecordStore.LoadReport<Container> loaded = records.load();
        Set<String> chains = loaded.loaded().stream().map(c -> c.image().chainId())
                .collect(Collectors.toUnmodifiableSet());
        GcPlan plan = new GcPlanner(images, content, snapshots).plan(chains);
        String verb = dryRun ? "would free" : "frees";
        plan.blobs().forEach(i -> out.println(verb + " blob " + i.id() + " (" + i.bytes() + " bytes): " + i.reason()));
        plan.snapshots().forEach(i -> out.println(verb + " snapshot " + i.id() + " (" + i.bytes() + " bytes): "
                + i.reason()));
        plan.ingests().forEach(i -> out.println(verb + " " + i.id() + " (" + i.bytes() + " bytes): " + i.reason()));
        if (!loaded.problems().isEmpty()) {
            // An unreadable record may name a snapshot a stopped container still needs.
            loaded.problems().forEach((p, why) -> err.println("berthd gc: unreadable container record " + p + ": "
                    + why));
            err.println("berthd gc: not collecting while container records are unreadable");
            return FAILED;
        }
        out.println(plan.blobs().size() + " blobs, " + plan.snapshots().size() + " snapshots and "
                + plan.ingests().size() + " partial downloads, " + plan.bytes() + " bytes"
                + (dryRun ? " would be freed (dry run: nothing deleted)" : ""));
        if (!dryRun) {
            GarbageCollector.Result r = new GarbageCollector(images, content, snapshots, new Leases(), () -> chains)
                    .collect();
            out.println("freed " + r.blobs() + " blobs, " + r.snapshots() + " snapshots and " + r.ingestFiles()
                    + " partial downloads");
        }
        return OK;
    }

    /** berthd's single-instance lock (server.SocketGuard takes the same file with the same kind of lock). */
    private record DaemonLock(FileChannel channel, FileLock lock, String holder) implements AutoCloseable {

        static DaemonLock take(Path socket) throws IOException {
            Path file = socket.resolveSibling(socket.getFileName() + ".lock");
            if (!Files.isDirectory(file.getParent())) {
                return new DaemonLock(null, null, ""); // no state directory: no daemon since boot
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String pid = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
                ch.close();
                return new DaemonLock(null, null, pid.isEmpty() ? "unknown" : pid);
            }
            return new DaemonLock(ch, lock, "");
        }

        boolean held() {
            return holder.isEmpty();
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                channel.close(); // releases the lock
            }
        }
    }
}
