package io.berth.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.image.config.ImageConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.ref.Digest;
import io.berth.image.ref.ImageReference;
import io.berth.image.registry.Credentials;
import io.berth.image.registry.FakeRegistry;
import io.berth.image.rpc.ImageServiceModule;
import io.berth.image.store.ImageRecord;
import io.berth.image.testing.FakeSnapshotter;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImage.Format;
import io.berth.image.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pull path on an in-memory registry and snapshotter: no network, no root. */
class ImagePullerTest {

    @TempDir
    Path root;

    private ImageServiceModule open(FakeRegistry fake, FakeSnapshotter snaps) throws Exception {
        return ImageServiceModule.open(new ImageServiceModule.Options(root, RegistryConfig.defaults(),
                ImageConfig.defaults(), snaps, fake, Clock.systemUTC(), Set::of));
    }

    private static ImageRecord pull(ImageServiceModule m, String ref) throws InterruptedException {
        return m.puller().pull(ImageReference.parse(ref), Credentials.ANONYMOUS, null);
    }

    @Test
    void pullsUnpacksInOrderAndRecords() throws Exception {
        TestImage image = TestImages.threeLayers(Format.OCI);
        FakeSnapshotter snaps = new FakeSnapshotter();
        try (ImageServiceModule m = open(new FakeRegistry().serve("team/app", "v1", image), snaps)) {
            ImageRecord r = pull(m, "reg.test/team/app:v1");
            assertEquals(image.id(), r.id());
            assertEquals(image.chainIds(), r.chainIds());
            assertEquals(3, snaps.unpacks.get());
            assertEquals(image.size(), r.size());
            assertEquals(3, snaps.lowerDirs(image.chainIds().getLast()).size());
            Leftovers.assertNone(m, snaps);
        }
    }

    @Test
    void tenConcurrentPullsFetchEachBlobOnce() throws Exception {
        TestImage image = TestImages.threeLayers(Format.DOCKER);
        FakeRegistry fake = new FakeRegistry().serve("team/app", "v1", image);
        try (ImageServiceModule m = open(fake, new FakeSnapshotter());
             ExecutorService pool = Executors.newFixedThreadPool(10)) {
            List<Future<ImageRecord>> all = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                all.add(pool.submit(() -> pull(m, "reg.test/team/app:v1")));
            }
            for (Future<ImageRecord> f : all) {
                assertEquals(image.id(), f.get().id());
            }
            for (TestImage.Layer l : image.layers()) {
                assertTrue(fake.count("/blobs/" + l.blob().digest()) <= 1, "layer fetched once");
            }
        }
    }

    /** The image's manifest and layers with a config that says something else about them. */
    private static FakeRegistry withConfig(TestImage image, String configJson) {
        byte[] cfg = configJson.getBytes(StandardCharsets.UTF_8);
        TestImage.Blob config = new TestImage.Blob(Digest.of(cfg), image.config().mediaType(), cfg);
        String layers = image.layers().stream().map(l -> "{\"mediaType\":\"" + l.blob().mediaType()
                + "\",\"digest\":\"" + l.blob().digest() + "\",\"size\":" + l.blob().bytes().length + "}")
                .reduce((a, b) -> a + "," + b).orElseThrow();
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestImage.OCI_MANIFEST + "\",\"config\":{"
                + "\"mediaType\":\"" + config.mediaType() + "\",\"digest\":\"" + config.digest() + "\",\"size\":"
                + cfg.length + "},\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
        FakeRegistry fake = new FakeRegistry().serve("team/app", "orig", image);
        fake.serveManifest("team/app", "bad", TestImage.Blob.of(TestImage.OCI_MANIFEST, manifest));
        return fake.hook(r -> r.uri().getPath().endsWith("/blobs/" + config.digest())
                ? FakeRegistry.Answer.of(200, cfg) : null);
    }

    @Test
    void diffIdMismatchFailsNamingTheLayerAndLeavesNothing() throws Exception {
        TestImage image = TestImages.threeLayers(Format.OCI);
        String wrong = "sha256:" + "0".repeat(64);
        String cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + image.layers().get(0).diffId() + "\",\"" + wrong + "\",\"" + image.layers().get(2).diffId() + "\"]}}";
        FakeSnapshotter snaps = new FakeSnapshotter();
        try (ImageServiceModule m = open(withConfig(image, cfg), snaps)) {
            FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                    () -> pull(m, "reg.test/team/app:bad"));
            assertTrue(e.getMessage().contains(image.layers().get(1).blob().digest().toString()), e.getMessage());
            assertTrue(m.images().list().isEmpty());
            Leftovers.assertNone(m, snaps);
        }
    }

    @Test
    void configWithWrongLayerCountIsRefused() throws Exception {
        TestImage image = TestImages.threeLayers(Format.OCI);
        String cfg = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + image.layers().get(0).diffId() + "\"]}}";
        FakeSnapshotter snaps = new FakeSnapshotter();
        try (ImageServiceModule m = open(withConfig(image, cfg), snaps)) {
            FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                    () -> pull(m, "reg.test/team/app:bad"));
            assertTrue(e.getMessage().contains("3 layers"), e.getMessage());
            Leftovers.assertNone(m, snaps);
        }
    }
}
