package io.berth.image.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.image.unpack.LayerBuilder;
import io.berth.image.unpack.LayerCompression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlaySnapshotterIT {

    static final String GZIP = LayerBuilder.mediaType(LayerCompression.GZIP);

    @TempDir
    Path tmp;
    private Path root;
    private OverlaySnapshotter snapshots;

    @BeforeEach
    void setUp() throws IOException {
        root = tmp.resolve("root");
        snapshots = new OverlaySnapshotter(root);
    }

    static String chain(int i) {
        return "sha256:" + String.format("%064x", i);
    }

    private Path blob(String name, LayerBuilder layer) throws IOException {
        return Files.write(tmp.resolve(name), LayerBuilder.compress(layer.tar(), LayerCompression.GZIP));
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(snapshots.snapshotsDir())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void commitsAChainAndAnswersForIt() throws IOException {
        String d1 = snapshots.unpack(chain(1), null, blob("l1", new LayerBuilder().file("a", "12345")), GZIP);
        String d2 = snapshots.unpack(chain(2), chain(1), blob("l2", new LayerBuilder().file("b", "1")), GZIP);
        assertTrue(d1.startsWith("sha256:") && !d1.equals(d2));
        assertEquals(Set.of(chain(1), chain(2)), snapshots.list());
        assertTrue(snapshots.exists(chain(2)));
        assertEquals(List.of(snapshots.snapshotsDir().resolve("2/fs"), snapshots.snapshotsDir().resolve("1/fs")),
                snapshots.lowerDirs(chain(2)));
        assertEquals(5, snapshots.usageBytes(chain(1)));
        assertEquals("12345", Files.readString(snapshots.lowerDirs(chain(1)).getFirst().resolve("a")));
        assertEquals(List.of(), snapshots.lowerDirs(chain(3)));
    }

    @Test
    void unpackIsIdempotentAndSurvivesRestart() throws IOException {
        Path blob = blob("l1", new LayerBuilder().file("a", "x"));
        String diff = snapshots.unpack(chain(1), null, blob, GZIP);
        Files.delete(blob); // a second unpack must not need the blob at all
        assertEquals(diff, snapshots.unpack(chain(1), null, blob, GZIP));
        OverlaySnapshotter restarted = new OverlaySnapshotter(root);
        assertEquals(Set.of(chain(1)), restarted.list());
        assertEquals(diff, restarted.unpack(chain(1), null, blob, GZIP));
        assertEquals(List.of("1"), entries());
    }

    @Test
    void missingParentIsAFailedPreconditionAndLeavesNothing() throws IOException {
        Path blob = blob("l", new LayerBuilder().file("a", "x"));
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> snapshots.unpack(chain(2), chain(1), blob, GZIP));
        assertTrue(e.getMessage().contains(chain(1)), e.getMessage());
        assertEquals(List.of(), entries());
    }

    @Test
    void truncatedGzipFailsCleanly() throws IOException {
        byte[] gz = LayerBuilder.compress(new LayerBuilder().file("big", randomText(200_000)).tar(),
                LayerCompression.GZIP);
        Path blob = Files.write(tmp.resolve("cut"), Arrays.copyOf(gz, gz.length / 2));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> snapshots.unpack(chain(1), null, blob, GZIP));
        assertTrue(e.getMessage().contains("cut") && e.getMessage().contains("not a readable tar"), e.getMessage());
        assertEquals(List.of(), entries());
        assertFalse(snapshots.exists(chain(1)));
    }

    @Test
    void badIdsAndMediaTypesAreInvalidArguments() throws IOException {
        Path blob = blob("l", new LayerBuilder().file("a", "x"));
        assertThrows(InvalidArgumentException.class, () -> snapshots.unpack("sha256:nothex", null, blob, GZIP));
        assertThrows(InvalidArgumentException.class,
                () -> snapshots.unpack(chain(1), null, blob, "application/octet-stream"));
        assertEquals(List.of(), entries());
    }

    @Test
    void concurrentUnpacksOfOneChainDoTheWorkOnce() throws Exception {
        Path blob = blob("big", new LayerBuilder().file("a", randomText(8_000_000)).file("b", randomText(8_000_000)));
        int callers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return snapshots.unpack(chain(7), null, blob, GZIP);
                }));
            }
            start.countDown();
            String first = results.getFirst().get();
            for (Future<String> f : results) {
                assertEquals(first, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        // Each unpack that ran would have committed its own numbered directory.
        assertEquals(List.of("1"), entries());
    }

    @Test
    void cleanupRemovesWhatACrashLeft() throws IOException {
        snapshots.unpack(chain(1), null, blob("l", new LayerBuilder().file("a", "x")), GZIP);
        Path dir = snapshots.snapshotsDir();
        Files.createDirectories(dir.resolve("tmp-3f2a/fs/usr/bin"));
        Files.writeString(dir.resolve("tmp-3f2a/fs/usr/bin/half"), "half-written");
        Files.createDirectories(dir.resolve("rm-9/fs"));
        Files.createDirectories(dir.resolve("12/fs")); // renamed but no record: never committed
        OverlaySnapshotter restarted = new OverlaySnapshotter(root);
        restarted.cleanup();
        assertEquals(List.of("1"), entries());
        assertEquals(Set.of(chain(1)), restarted.list());
        // A new snapshot never reuses a number a leftover had.
        restarted.unpack(chain(2), chain(1), blob("l2", new LayerBuilder().file("b", "y")), GZIP);
        assertEquals(List.of("1", "13"), entries());
    }

    @Test
    void removeRefusesParentsAndForgetsMissingOnes() throws IOException {
        snapshots.unpack(chain(1), null, blob("l1", new LayerBuilder().file("a", "x")), GZIP);
        snapshots.unpack(chain(2), chain(1), blob("l2", new LayerBuilder().file("b", "x")), GZIP);
        assertThrows(FailedPreconditionException.class, () -> snapshots.remove(chain(1)));
        snapshots.remove(chain(2));
        snapshots.remove(chain(1));
        snapshots.remove(chain(1));
        assertEquals(Set.of(), snapshots.list());
        assertEquals(List.of(), entries());
        assertEquals(Set.of(), new OverlaySnapshotter(root).list());
    }

    static String randomText(int n) {
        Random r = new Random(n);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString();
    }
}
