package io.berth.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.image.store.ImageRecord;
import io.berth.image.testing.RegistryProxy;
import io.berth.image.testing.RegistryPusher;
import io.berth.image.testing.RegistryServer;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImage.Compression;
import io.berth.image.testing.TestImage.Format;
import io.berth.image.testing.TestImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Single flight: concurrent pulls share one download per blob, counted at a proxy in front of the registry. */
class PullConcurrencyIT {

    @TempDir
    Path dir;

    private static RegistryProxy countingProxy(RegistryServer registry, Map<String, AtomicInteger> gets)
            throws Exception {
        return RegistryProxy.start(registry.uri(), (ex, p) -> {
            String path = ex.getRequestURI().getPath();
            if (ex.getRequestMethod().equals("GET") && path.contains("/blobs/")) {
                gets.computeIfAbsent(path.substring(path.lastIndexOf('/') + 1), k -> new AtomicInteger())
                        .incrementAndGet();
                // Slow each blob a little so the pulls really overlap.
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return false;
        });
    }

    @Test
    void tenConcurrentPullsOfOneImageDownloadEachBlobOnce() throws Exception {
        TestImage image = TestImages.threeLayers(Format.DOCKER);
        Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
        try (RegistryServer registry = RegistryServer.start(dir.resolve("reg"));
             RegistryProxy proxy = countingProxy(registry, gets);
             Stack s = Stack.real(dir.resolve("root"));
             ExecutorService pool = Executors.newFixedThreadPool(10)) {
            new RegistryPusher(registry.uri(), null, null).push("conc/app", "v1", image);
            List<Future<ImageRecord>> pulls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                pulls.add(pool.submit(() -> s.pull(proxy.hostPort() + "/conc/app:v1")));
            }
            for (Future<ImageRecord> f : pulls) {
                assertEquals(image.id(), f.get().id());
            }
            assertEquals(4, gets.size(), "config and three layers: " + gets);
            gets.forEach((digest, n) -> assertEquals(1, n.get(), "downloads of " + digest));
            assertEquals(3, s.module.puller().blobFetchCount());
            assertEquals(1, s.module.images().list().size());
            s.assertNothingLeftOver();
        }
    }

    @Test
    void twoImagesSharingABaseLayerDownloadAndUnpackItOnce() throws Exception {
        byte[] base = TestImages.randomLayer(7, 4 << 20);
        TestImage a = TestImage.builder().layer(base, Compression.GZIP)
                .layer(TestImages.middleLayer(), Compression.GZIP).build();
        TestImage b = TestImage.builder().layer(base, Compression.GZIP)
                .layer(TestImages.topLayer(), Compression.GZIP).build();
        String shared = a.layers().getFirst().blob().digest().toString();
        Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
        try (RegistryServer registry = RegistryServer.start(dir.resolve("reg"));
             RegistryProxy proxy = countingProxy(registry, gets);
             Stack s = Stack.real(dir.resolve("root"));
             ExecutorService pool = Executors.newFixedThreadPool(2)) {
            RegistryPusher pusher = new RegistryPusher(registry.uri(), null, null);
            pusher.push("conc/a", "v1", a);
            pusher.push("conc/b", "v1", b);
            Future<ImageRecord> fa = pool.submit(() -> s.pull(proxy.hostPort() + "/conc/a:v1"));
            Future<ImageRecord> fb = pool.submit(() -> s.pull(proxy.hostPort() + "/conc/b:v1"));
            assertEquals(a.id(), fa.get().id());
            assertEquals(b.id(), fb.get().id());
            assertTrue(gets.get(shared).get() <= 1, "shared layer fetched " + gets.get(shared) + " times");
            assertEquals(a.chainIds().getFirst(), b.chainIds().getFirst());
            assertEquals(3, s.snapshots.list().size());
        }
    }
}
