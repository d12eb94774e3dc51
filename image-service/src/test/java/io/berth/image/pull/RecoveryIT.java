package io.berth.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.image.ref.Digest;
import io.berth.image.snapshot.OverlaySnapshotter;
import io.berth.image.store.ImageRecord;
import io.berth.image.testing.RegistryProxy;
import io.berth.image.testing.RegistryPusher;
import io.berth.image.testing.RegistryServer;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImage.Format;
import io.berth.image.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@code kill -9} in the middle of a pull leaves (partial downloads,
 * a half-written record, committed blobs and snapshots no record points to)
 * is cleaned at the next start, and committed images stay, also when the
 * kill finds the service idle.
 */
class RecoveryIT {

    @TempDir
    Path dir;

    @Test
    void crashMidPullLeavesNoPartialImageAndNoLeftovers() throws Exception {
        TestImage kept = TestImages.threeLayers(Format.DOCKER);
        TestImage cut = TestImages.threeLayers(Format.OCI);
        Path root = dir.resolve("root");
        try (RegistryServer registry = RegistryServer.start(dir.resolve("reg"))) {
            new RegistryPusher(registry.uri(), null, null).push("crash/kept", "v1", kept);
            try (Stack s = Stack.real(root)) {
                s.pull(registry.hostPort() + "/crash/kept:v1");
            }
        }
        simulateKillDuringPull(root, cut);

        try (Stack s = Stack.real(root)) {
            List<ImageRecord> images = s.module.images().list();
            assertEquals(List.of(kept.id()), images.stream().map(ImageRecord::id).toList());
            assertTrue(s.module.recovery().ingestFiles() >= 2, "partial downloads were found");
            try (var files = Files.list(root.resolve("images"))) {
                assertEquals(1, files.count(), "only the committed record is left");
            }
            s.assertNothingLeftOver();
            assertEquals(3, s.snapshots.lowerDirs(images.getFirst().chainIds().getLast()).size());
        }
    }

    // The state a pull of `cut` has reached when berthd is killed: its config
    // and a layer committed, the next layer unpacked, two downloads half
    // written, and its record half written by AtomicFiles.
    private static void simulateKillDuringPull(Path root, TestImage cut) throws Exception {
        OverlaySnapshotter snapshots = new OverlaySnapshotter(root);
        Path blobs = root.resolve("content/blobs/sha256");
        Files.write(blobs.resolve(cut.config().digest().hex()), cut.config().bytes());
        TestImage.Blob base = cut.layers().getFirst().blob();
        Files.write(blobs.resolve(base.digest().hex()), base.bytes());
        snapshots.unpack(cut.chainIds().getFirst(), null, blobs.resolve(base.digest().hex()), base.mediaType());
        Path ingest = root.resolve("content/ingest");
        for (TestImage.Layer l : cut.layers().subList(1, 3)) {
            byte[] b = l.blob().bytes();
            Files.write(ingest.resolve(l.blob().digest().hex() + ".7f3a"), java.util.Arrays.copyOf(b, b.length / 2));
        }
        String record = "{\"id\":\"" + cut.id() + "\",\"manifestDigest\":\"" + cut.manifest().digest() + "\",\"lay";
        Files.writeString(root.resolve("images/.tmp-" + Digest.parse(cut.id()).hex() + ".json-1a2b"), record,
                StandardCharsets.UTF_8);
    }

    @Test
    void realKillDuringPullLeavesNoPartialImageAndNoLeftovers() throws Exception {
        TestImage kept = TestImages.threeLayers(Format.DOCKER);
        TestImage cut = TestImage.builder().format(Format.OCI)
                .layer(TestImages.baseLayer(), TestImage.Compression.GZIP)
                .layer(TestImages.randomLayer(11, 1 << 20), TestImage.Compression.GZIP)
                .layer(TestImages.randomLayer(12, 2 << 20), TestImage.Compression.GZIP).build();
        String stalled = cut.layers().get(2).blob().digest().toString();
        Path root = dir.resolve("root");
        try (RegistryServer registry = RegistryServer.start(dir.resolve("reg"));
             RegistryProxy proxy = RegistryProxy.start(registry.uri(), (ex, p) -> {
                 if (!ex.getRequestURI().getPath().endsWith(stalled)) {
                     return false;
                 }
                 byte[] body = p.fetch(ex).body();
                 ex.sendResponseHeaders(200, body.length);
                 ex.getResponseBody().write(body, 0, body.length / 2);
                 ex.getResponseBody().flush();
                 sleepQuietly(120_000);
                 return true;
             })) {
            RegistryPusher pusher = new RegistryPusher(registry.uri(), null, null);
            pusher.push("crash/kept", "v1", kept);
            pusher.push("crash/cut", "v1", cut);
            try (Stack s = Stack.real(root)) {
                s.pull(registry.hostPort() + "/crash/kept:v1");
            }
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    PullInChildProcess.class.getName(), root.toString(), proxy.hostPort() + "/crash/cut:v1")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
            try {
                awaitMidPull(root, child, cut.layers().get(2).blob().digest().hex());
            } finally {
                child.destroyForcibly(); // SIGKILL, as kill -9
                child.waitFor();
            }
        }
        try (Stack s = Stack.real(root)) {
            assertEquals(List.of(kept.id()), s.module.images().list().stream().map(ImageRecord::id).toList());
            assertTrue(s.module.recovery().ingestFiles() >= 1, "the stalled download was found");
            s.assertNothingLeftOver();
        }
    }

    @Test
    void killOfAnIdleServiceLosesNoPulledImage() throws Exception {
        TestImage image = TestImages.threeLayers(Format.OCI);
        Path root = dir.resolve("root");
        Path log = dir.resolve("idle.log");
        try (RegistryServer registry = RegistryServer.start(dir.resolve("reg"))) {
            new RegistryPusher(registry.uri(), null, null).push("crash/idle", "v1", image);
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    PullInChildProcess.class.getName(), root.toString(), registry.hostPort() + "/crash/idle:v1",
                    "stay").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                awaitLine(log, child, "idle");
            } finally {
                child.destroyForcibly(); // SIGKILL while nothing runs: only what is on disk counts
                child.waitFor();
            }
            try (Stack s = Stack.real(root)) {
                ImageRecord r = s.module.images().list().getFirst();
                assertEquals(image.id(), r.id());
                assertEquals(List.of(registry.hostPort() + "/crash/idle:v1"), r.repoTags());
                assertEquals(0, s.module.recovery().ingestFiles());
                s.assertNothingLeftOver();
                List<Path> lowers = s.snapshots.lowerDirs(r.chainIds().getLast());
                assertEquals(3, lowers.size());
                for (TestImage.Layer l : image.layers()) {
                    assertTrue(s.module.content().has(l.blob().digest()), "blob " + l.blob().digest() + " kept");
                }
                assertEquals(image.id(), s.pull(registry.hostPort() + "/crash/idle:v1").id());
                assertEquals(0, s.module.puller().blobFetchCount(), "no layer was downloaded again");
            }
        }
    }

    private static void awaitLine(Path log, Process child, String line) throws Exception {
        long end = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readAllLines(log).contains(line)) {
                return;
            }
            assertTrue(child.isAlive(), "child died: " + (Files.exists(log) ? Files.readString(log) : ""));
            Thread.sleep(50);
        }
        throw new AssertionError("the child never printed " + line);
    }

    // Mid-pull: the stalled layer's download has bytes on disk.
    private static void awaitMidPull(Path root, Process child, String stalledHex) throws Exception {
        Path ingest = root.resolve("content/ingest");
        long end = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            assertTrue(child.isAlive(), "child pull died early");
            try (var files = Files.list(ingest)) {
                if (files.anyMatch(f -> f.getFileName().toString().startsWith(stalledHex)
                        && f.toFile().length() > 0)) {
                    Thread.sleep(500); // let the other layers commit and unpack
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the child never reached the stalled layer");
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void recordWhoseSnapshotVanishedIsDroppedAtStart() throws Exception {
        TestImage image = TestImages.threeLayers(Format.DOCKER);
        Path root = dir.resolve("root");
        try (RegistryServer registry = RegistryServer.start(dir.resolve("reg"))) {
            new RegistryPusher(registry.uri(), null, null).push("crash/gone", "v1", image);
            try (Stack s = Stack.real(root)) {
                s.pull(registry.hostPort() + "/crash/gone:v1");
                s.snapshots.remove(image.chainIds().getLast());
            }
        }
        try (Stack s = Stack.real(root)) {
            assertEquals(List.of(image.id()), s.module.recovery().droppedImages());
            assertTrue(s.module.images().list().isEmpty());
            s.assertNothingLeftOver();
        }
    }
}
