package io.berth.image.snapshot;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.fs.AtomicFiles;
import io.berth.common.os.Libc;
import io.berth.common.error.InvalidArgumentException;
import io.berth.image.unpack.LayerCompression;
import io.berth.image.unpack.LayerUnpacker;
import io.berth.image.unpack.TarFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots as plain directories for overlayfs, laid out as
 * <pre>
 *   root/snapshots/&lt;n&gt;/fs     the layer's files (one overlay lowerdir)
 *   root/snapshots/&lt;n&gt;/meta   chain id, parent, diff id, usage
 *   root/snapshots/tmp-&lt;rnd&gt;  an unpack in progress
 *   root/snapshots/rm-&lt;n&gt;     a removal in progress
 * </pre>
 * {@code n} is a small integer so that a 100+ layer lowerdir, written relative
 * to the snapshots directory ("12/fs:11/fs:..."), fits overlay's one-page
 * mount options (see {@link OverlayMount}).
 *
 * <p>Commit is one rename of a fully written temp directory (its meta file
 * fsync'ed first), so after a crash a directory is either committed with its
 * record or a leftover that {@link #cleanup()} removes. File data itself is
 * not fsync'ed: it survives a kill -9 of berthd (page cache), not a power
 * loss, the same trade containerd's overlay snapshotter makes by default.
 */
public final class OverlaySnapshotter implements Snapshotter {

    private static final Logger LOG = LoggerFactory.getLogger(OverlaySnapshotter.class);
    private static final String TMP = "tmp-";
    private static final String REMOVING = "rm-";
    private static final String FS = "fs";
    private static final String META = "meta";

    private final Path dir;
    private final LayerUnpacker unpacker = new LayerUnpacker();
    private final SingleFlight<String> flights = new SingleFlight<>();
    private final Object lock = new Object();
    private final Map<String, SnapshotRecord> byChain = new HashMap<>(); // guarded by lock
    private final Set<String> activeTemps = Collections.synchronizedSet(new HashSet<>());
    private int nextId = 1; // guarded by lock

    public OverlaySnapshotter(Path root) throws IOException {
        this.dir = root.toAbsolutePath().resolve("snapshots");
        Files.createDirectories(dir);
        load();
    }

    /** The directory overlay mounts should resolve lowerdirs from (see {@link OverlayMount}). */
    public Path snapshotsDir() {
        return dir;
    }

    @Override
    public boolean exists(String chainId) {
        synchronized (lock) {
            return byChain.containsKey(chainId);
        }
    }

    @Override
    public String unpack(String chainId, String parentChainId, Path blob, String mediaType) throws IOException {
        checkIds(chainId, parentChainId);
        return flights.run(chainId, () -> {
            Optional<SnapshotRecord> done = record(chainId);
            if (done.isPresent()) {
                return done.get().diffId();
            }
            requireParent(chainId, parentChainId);
            try (InputStream in = Files.newInputStream(blob)) {
                return commit(prepare(in, mediaType, blob.getFileName().toString(), true), chainId, parentChainId);
            }
        });
    }

    private static void checkIds(String chainId, String parentChainId) {
        ChainIds.check("chain id", chainId);
        if (parentChainId != null) {
            ChainIds.check("parent chain id", parentChainId);
        }
    }

    @Override
    public PreparedLayer prepare(InputStream compressed, String mediaType, String label, boolean readAhead)
            throws IOException {
        LayerCompression compression = LayerCompression.forMediaType(mediaType);
        String name = TMP + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        Path tmp = dir.resolve(name);
        activeTemps.add(name);
        try {
            Path fs = Files.createDirectories(tmp.resolve(FS));
            Libc.chmod(fs.toString(), 0755);
            return new Prepared(name, unpacker.unpack(compressed, compression, fs, readAhead));
        } catch (TarFormatException e) {
            discard(name, e);
            throw new InvalidArgumentException("layer " + label + " (" + mediaType
                    + ") is not a readable tar stream: " + e.getMessage(), e);
        } catch (IOException | RuntimeException | Error e) {
            discard(name, e);
            throw e;
        }
    }

    @Override
    public String commit(PreparedLayer layer, String chainId, String parentChainId) throws IOException {
        if (!(layer instanceof Prepared p) || !p.take()) {
            throw new IllegalStateException("layer " + layer + " was not prepared here or is used up");
        }
        try {
            checkIds(chainId, parentChainId);
            Optional<SnapshotRecord> done = record(chainId);
            if (done.isPresent()) {
                return done.get().diffId();
            }
            requireParent(chainId, parentChainId);
            Path tmp = dir.resolve(p.name);
            ParentDirs.copyFromLowers(tmp.resolve(FS), p.result.implicitDirs(),
                    parentChainId == null ? List.of() : lowerDirs(parentChainId));
            SnapshotRecord rec = new SnapshotRecord(0, chainId, parentChainId, p.result.diffId(),
                    p.result.fileBytes());
            AtomicFiles.writeString(tmp.resolve(META), rec.toText());
            Optional<String> raced = commit(tmp, rec);
            if (raced.isPresent()) {
                return raced.get();
            }
            LOG.info("unpacked {} ({} bytes of tar, {} entries) as {}", chainId, p.result.tarBytes(),
                    p.result.entries(), rec.diffId());
            return rec.diffId();
        } finally {
            // After a successful commit the directory is gone from under tmp-; otherwise it goes now.
            discard(p.name, null);
        }
    }

    /** Removes an uncommitted unpack directory (a no-op once committed, since it was renamed). */
    private void discard(String name, Throwable cause) {
        try {
            AtomicFiles.deleteTree(dir.resolve(name));
        } catch (IOException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            } else {
                LOG.warn("cannot remove the unused layer directory {}: {}", name, e.getMessage());
            }
        } finally {
            activeTemps.remove(name);
        }
    }

    /** One unpacked, uncommitted layer under root/snapshots/tmp-&lt;rnd&gt;. */
    private final class Prepared implements PreparedLayer {
        final String name;
        final LayerUnpacker.Result result;
        private boolean used;

        Prepared(String name, LayerUnpacker.Result result) {
            this.name = name;
            this.result = result;
        }

        @Override
        public String diffId() {
            return result.diffId();
        }

        synchronized boolean take() {
            boolean was = used;
            used = true;
            return !was;
        }

        @Override
        public void close() {
            if (take()) {
                discard(name, null);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private void requireParent(String chainId, String parent) {
        if (parent != null && !exists(parent)) {
            throw new FailedPreconditionException("cannot unpack snapshot " + chainId + ": its parent "
                    + parent + " is not committed");
        }
    }

    /** Renames the unpack into place; returns the recorded diff id instead if another commit won. */
    private Optional<String> commit(Path tmp, SnapshotRecord rec) throws IOException {
        synchronized (lock) {
            SnapshotRecord other = byChain.get(rec.chainId());
            if (other != null) {
                return Optional.of(other.diffId());
            }
            // The parent may have been removed while this layer was unpacking.
            requireParent(rec.chainId(), rec.parent());
            int id = nextId;
            Files.move(tmp, dir.resolve(Integer.toString(id)), StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(dir);
            nextId = id + 1;
            byChain.put(rec.chainId(), new SnapshotRecord(id, rec.chainId(), rec.parent(), rec.diffId(),
                    rec.usageBytes()));
            return Optional.empty();
        }
    }

    @Override
    public List<Path> lowerDirs(String chainId) {
        List<Path> out = new ArrayList<>();
        synchronized (lock) {
            for (SnapshotRecord r = byChain.get(chainId); r != null && out.size() <= byChain.size();
                    r = r.parent() == null ? null : byChain.get(r.parent())) {
                out.add(fsOf(r.id()));
            }
        }
        return out;
    }

    private Path fsOf(int id) {
        return dir.resolve(Integer.toString(id)).resolve(FS);
    }

    @Override
    public void remove(String chainId) throws IOException {
        Path doomed;
        synchronized (lock) {
            SnapshotRecord r = byChain.get(chainId);
            if (r == null) {
                return; // removing a missing snapshot succeeds
            }
            for (SnapshotRecord other : byChain.values()) {
                if (chainId.equals(other.parent())) {
                    throw new FailedPreconditionException("snapshot " + chainId
                            + " is the parent of " + other.chainId() + "; remove that first");
                }
            }
            doomed = dir.resolve(REMOVING + r.id());
            // Renamed first so that a crash mid-delete leaves a leftover, not a half snapshot.
            Files.move(dir.resolve(Integer.toString(r.id())), doomed, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(dir);
            byChain.remove(chainId);
        }
        AtomicFiles.deleteTree(doomed);
    }

    @Override
    public Set<String> list() {
        synchronized (lock) {
            return Set.copyOf(byChain.keySet());
        }
    }

    @Override
    public long usageBytes(String chainId) {
        return record(chainId).map(SnapshotRecord::usageBytes).orElse(0L);
    }

    /** The diff id recorded for a committed snapshot. */
    public Optional<String> diffId(String chainId) {
        return record(chainId).map(SnapshotRecord::diffId);
    }

    private Optional<SnapshotRecord> record(String chainId) {
        synchronized (lock) {
            return Optional.ofNullable(byChain.get(chainId));
        }
    }

    /**
     * Removes what a crash left: unfinished unpacks, unfinished removals and
     * directories without a complete record. Call at start-up; unpacks running
     * in this process are left alone.
     */
    public void cleanup() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (isLeftover(p.getFileName().toString())) {
                    LOG.info("removing leftover snapshot directory {}", p);
                    AtomicFiles.deleteTree(p);
                }
            }
        }
    }

    /** Decided under the lock, so a commit that lands during cleanup is never mistaken for one. */
    private boolean isLeftover(String name) {
        if (activeTemps.contains(name)) {
            return false;
        }
        int id = idOf(name);
        synchronized (lock) {
            return byChain.values().stream().noneMatch(r -> r.id() == id);
        }
    }

    private void load() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                int id = idOf(p.getFileName().toString());
                Optional<SnapshotRecord> r = id < 0 ? Optional.empty() : readRecord(p, id);
                synchronized (lock) {
                    nextId = Math.max(nextId, id + 1);
                    if (r.isPresent() && !byChain.containsKey(r.get().chainId())) {
                        byChain.put(r.get().chainId(), r.get());
                    }
                }
            }
        }
    }

    private static Optional<SnapshotRecord> readRecord(Path snapshot, int id) throws IOException {
        try {
            return SnapshotRecord.parse(id, Files.readString(snapshot.resolve(META), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The id a committed directory's name carries, or -1 for anything else. */
    private static int idOf(String name) {
        if (name.isEmpty() || name.length() > 9 || !name.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(name);
    }
}
