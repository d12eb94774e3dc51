package io.berth.image.content;

import io.berth.common.fs.AtomicFiles;
import io.berth.image.ref.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Blobs by digest under {@code <root>/blobs/sha256/<hex>}. A blob only
 * appears there after its bytes were verified against digest and size:
 * downloads land in {@code <root>/ingest/} first and are committed by an
 * atomic rename, so a crash leaves either nothing or a whole, correct blob.
 */
public final class ContentStore {

    private final Path blobs;
    private final Path ingest;
    // Ingest files a download of this process is still writing: never swept, however old.
    private final Set<Path> activeIngests = ConcurrentHashMap.newKeySet();

    public ContentStore(Path root) throws IOException {
        this.blobs = root.resolve("blobs").resolve(Digest.ALGORITHM);
        this.ingest = root.resolve("ingest");
        Files.createDirectories(blobs);
        Files.createDirectories(ingest);
    }

    public Path path(Digest digest) {
        return blobs.resolve(digest.hex());
    }

    public boolean has(Digest digest) {
        return Files.isRegularFile(path(digest));
    }

    /** Size of a committed blob; -1 when absent. */
    public long size(Digest digest) {
        try {
            return Files.size(path(digest));
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] read(Digest digest) throws IOException {
        return Files.readAllBytes(path(digest));
    }

    /** Opens a writer for a blob that must end up with exactly {@code digest} and {@code size}. */
    public Ingest begin(Digest digest, long size) throws IOException {
        Path file = ingest.resolve(digest.hex() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        activeIngests.add(file);
        try {
            return new Ingest(this, file, digest, size);
        } catch (IOException | RuntimeException e) {
            activeIngests.remove(file);
            throw e;
        }
    }

    /** An ingest was committed or removed. */
    void ended(Path ingestFile) {
        activeIngests.remove(ingestFile);
    }

    /** Stores small content that is already in memory, verifying it like a download. */
    public void put(Digest digest, byte[] content) throws IOException {
        if (has(digest)) {
            return;
        }
        try (Ingest in = begin(digest, content.length)) {
            in.write(content, 0, content.length);
            in.commit();
        }
    }

    void commit(Path ingestFile, Digest digest) throws IOException {
        Files.move(ingestFile, path(digest), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.syncDirectory(blobs);
    }

    public void delete(Digest digest) throws IOException {
        Files.deleteIfExists(path(digest));
    }

    public Set<Digest> list() throws IOException {
        Set<Digest> out = new HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(blobs)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.matches("[0-9a-f]{64}")) {
                    out.add(new Digest(name));
                }
            }
        }
        return out;
    }

    /** Partial downloads, for tests and start-up cleanup. */
    public Set<Path> ingestFiles() throws IOException {
        Set<Path> out = new HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(ingest)) {
            ds.forEach(out::add);
        }
        return out;
    }

    /**
     * Removes every partial download. Only safe while no pull runs, i.e. at
     * start-up: after a crash nothing will ever finish those files.
     */
    public int cleanIngest() throws IOException {
        Set<Path> files = ingestFiles();
        for (Path p : files) {
            AtomicFiles.deleteTree(p);
        }
        return files.size();
    }

    /**
     * Removes partial downloads that no download of this process writes and
     * that were last written before {@code now - olderThan}: what a crash, or
     * a failed removal, left. Safe while pulls run.
     */
    public int removeStaleIngests(Duration olderThan, Instant now) throws IOException {
        int removed = 0;
        for (Path p : ingestFiles()) {
            if (activeIngests.contains(p)) {
                continue;
            }
            try {
                if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(now.minus(olderThan))) {
                    AtomicFiles.deleteTree(p);
                    removed++;
                }
            } catch (NoSuchFileException e) {
                // its download finished meanwhile
            }
        }
        return removed;
    }

    /** Bytes and inodes used by committed blobs. */
    public long usageBytes() throws IOException {
        long total = 0;
        for (Digest d : list()) {
            total += Math.max(0, size(d));
        }
        return total;
    }
}
