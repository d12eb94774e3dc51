package io.berth.image.rpc;

import io.berth.common.error.InternalException;
import io.berth.cri.v1.FilesystemIdentifier;
import io.berth.cri.v1.FilesystemUsage;
import io.berth.cri.v1.ImageFsInfoRequest;
import io.berth.cri.v1.ImageFsInfoResponse;
import io.berth.cri.v1.UInt64Value;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * ImageFsInfo: the filesystem holding content and snapshots, with the bytes
 * and inodes the image store uses on it. Containers' writable layers live on
 * the same filesystem under the same root, so {@code container_filesystems}
 * repeats the same filesystem identity; the kubelet reads an identical
 * mountpoint as "not split". Walking a large store is not free, so one
 * measurement serves for {@link #CACHE_FOR} (the timestamp says when it was
 * taken), unless garbage collection freed something since: whoever just
 * removed images (the kubelet's image GC, crictl rmi) must not be shown the
 * usage from before.
 */
public final class ImageFsInfoHandler {

    /** How long one walk of the store is reused; the kubelet asks every few seconds. */
    static final java.time.Duration CACHE_FOR = java.time.Duration.ofSeconds(10);

    private final Path root;
    private final List<Path> dirs;
    private final Clock clock;
    private final LongSupplier gcRuns;
    private ImageFsInfoResponse cached; // guarded by this
    private Instant cachedAt = Instant.MIN; // guarded by this
    private long cachedGcRuns; // guarded by this

    /**
     * @param dirs the directories whose usage is reported, all under {@code root}
     * @param gcRuns garbage collections that freed something so far: after one, the cache is stale
     */
    ImageFsInfoHandler(Path root, List<Path> dirs, Clock clock, LongSupplier gcRuns) {
        this.root = root;
        this.dirs = List.copyOf(dirs);
        this.clock = clock;
        this.gcRuns = gcRuns;
    }

    public synchronized ImageFsInfoResponse handle(ImageFsInfoRequest request) {
        Instant now = clock.instant();
        long runs = gcRuns.getAsLong();
        if (cached == null || now.isAfter(cachedAt.plus(CACHE_FOR)) || runs != cachedGcRuns) {
            cached = measure(now);
            cachedAt = now;
            cachedGcRuns = runs;
        }
        return cached;
    }

    private ImageFsInfoResponse measure(Instant now) {
        try {
            Usage u = new Usage();
            for (Path d : dirs) {
                if (Files.isDirectory(d)) {
                    Files.walkFileTree(d, u);
                }
            }
            FilesystemUsage fs = FilesystemUsage.newBuilder()
                    .setTimestamp(now.getEpochSecond() * 1_000_000_000L + now.getNano())
                    .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(MountPoints.of(root).toString()))
                    .setUsedBytes(UInt64Value.newBuilder().setValue(u.bytes))
                    .setInodesUsed(UInt64Value.newBuilder().setValue(u.inodes)).build();
            return ImageFsInfoResponse.newBuilder().addImageFilesystems(fs).addContainerFilesystems(fs).build();
        } catch (IOException e) {
            throw new InternalException("ImageFsInfo: cannot measure " + root + ": " + e.getMessage(), e);
        }
    }

    /** Counts allocated bytes (hardlinked files once would need inode tracking; blocks are close enough). */
    private static final class Usage extends SimpleFileVisitor<Path> {
        long bytes;
        long inodes;

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            inodes++;
            bytes += attrs.size();
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            inodes++;
            bytes += attrs.size();
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            // A file removed while we walk (GC, a pull finishing) is not an error.
            return FileVisitResult.CONTINUE;
        }
    }
}
