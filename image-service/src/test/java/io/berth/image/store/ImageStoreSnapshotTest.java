package io.berth.image.store;

import static io.berth.image.store.ImageStoreTest.A;
import static io.berth.image.store.ImageStoreTest.B;
import static io.berth.image.store.ImageStoreTest.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers run on the gRPC event loop, so they must never wait for a writer nor see half of its write. */
class ImageStoreSnapshotTest {

    private static final String TAG = "docker.io/library/app:latest";

    @TempDir
    Path dir;

    @Test
    void readersDoNotWaitForAWriterHoldingTheStore() throws Exception {
        ImageStore s = ImageStore.open(dir);
        s.put(image(A, List.of(TAG), List.of(), 1));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Writers are synchronized on the store: holding its monitor stands in for a writer stuck in fsync.
        Thread writer = Thread.ofPlatform().start(() -> {
            synchronized (s) {
                held.countDown();
                awaitQuietly(release);
            }
        });
        try {
            assertTrue(held.await(10, TimeUnit.SECONDS));
            CompletableFuture<String> read = CompletableFuture.supplyAsync(
                    () -> s.resolve("app").orElseThrow().id() + s.list().size() + s.get(A).orElseThrow().id());
            assertEquals(A + 1 + A, read.get(5, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            writer.join();
        }
    }

    @Test
    void aTagMovingBetweenImagesIsAlwaysOnExactlyOneOfThem() throws Exception {
        ImageStore s = ImageStore.open(dir);
        s.put(image(A, List.of(TAG), List.of(), 0));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> broken = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (!done.get() && broken.get() == null) {
                check(s, broken);
                reads.incrementAndGet();
            }
        });
        try {
            for (int i = 1; i <= 60; i++) {
                s.put(image(i % 2 == 0 ? A : B, List.of(TAG), List.of(), i));
            }
        } finally {
            done.set(true);
            reader.join();
        }
        assertEquals(null, broken.get());
        assertTrue(reads.get() > 0);
        assertEquals(A, s.resolve("app").orElseThrow().id());
        assertEquals(List.of(), s.get(B).orElseThrow().repoTags());
    }

    @Test
    void aListAlreadyReturnedDoesNotChangeWithLaterWrites() throws Exception {
        ImageStore s = ImageStore.open(dir);
        s.put(image(B, List.of(TAG), List.of(), 1));
        List<ImageRecord> before = s.list();
        s.put(image(A, List.of(TAG), List.of(), 2));
        s.remove(B);
        assertEquals(List.of(B), before.stream().map(ImageRecord::id).toList());
        assertEquals(List.of(TAG), before.getFirst().repoTags());
        assertEquals(List.of(A), s.list().stream().map(ImageRecord::id).toList());
    }

    private static void check(ImageStore s, AtomicReference<String> broken) {
        ImageRecord owner = s.resolve("app").orElse(null);
        if (owner == null || !owner.repoTags().contains(TAG)) {
            broken.set("the tag resolved to " + owner);
            return;
        }
        long holders = s.list().stream().filter(r -> r.repoTags().contains(TAG)).count();
        if (holders != 1) {
            broken.set(holders + " images hold the tag");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
