package io.berth.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import io.berth.common.error.BerthException;
import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.FailedPreconditionException;
import io.berth.image.config.RegistryConfig;
import io.berth.image.registry.Credentials;
import io.berth.image.testing.RegistryProxy;
import io.berth.image.testing.RegistryPusher;
import io.berth.image.testing.RegistryServer;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImage.Format;
import io.berth.image.testing.TestImages;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Bad content and bad registries: every failure names what failed and leaves nothing behind. */
class PullFailureIT {

    @TempDir
    static Path registryDir;
    static RegistryServer registry;
    static RegistryPusher pusher;

    @TempDir
    Path root;

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryServer.start(registryDir);
        pusher = new RegistryPusher(registry.uri(), null, null);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    /** A fresh image in its own repository, so damaging its blobs affects no other test. */
    private static TestImage pushFresh(String repo) throws Exception {
        TestImage image = TestImage.builder().format(Format.OCI)
                .layer(TestImages.baseLayer(), TestImage.Compression.GZIP)
                .layer(TestImages.randomLayer(repo.hashCode(), 1 << 20), TestImage.Compression.GZIP).build();
        pusher.push(repo, "v1", image);
        return image;
    }

    private static <T extends BerthException> T assertFailsNaming(Class<T> type, String needle, Executable call) {
        T e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(needle), "message names " + needle + ": " + e.getMessage());
        return e;
    }

    @Test
    void tamperedBlobFailsNamingTheDigest() throws Exception {
        TestImage image = pushFresh("fail/tampered");
        String digest = image.layers().get(1).blob().digest().toString();
        Path data = registry.blobData(image.layers().get(1).blob().digest());
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(data, bytes);
        try (Stack s = Stack.real(root)) {
            assertFailsNaming(FailedPreconditionException.class, digest,
                    () -> s.pull(registry.hostPort() + "/fail/tampered:v1"));
            assertTrue(s.module.images().list().isEmpty());
            s.assertNothingLeftOver();
        }
    }

    @Test
    void truncatedBlobFailsNamingTheDigest() throws Exception {
        TestImage image = pushFresh("fail/truncated");
        Path data = registry.blobData(image.layers().get(1).blob().digest());
        byte[] bytes = Files.readAllBytes(data);
        Files.write(data, Arrays.copyOf(bytes, bytes.length - 100));
        try (Stack s = Stack.real(root)) {
            assertFailsNaming(FailedPreconditionException.class, image.layers().get(1).blob().digest().toString(),
                    () -> s.pull(registry.hostPort() + "/fail/truncated:v1"));
            s.assertNothingLeftOver();
        }
    }

    private static RegistryProxy manifestServer(String contentType, byte[] body, boolean chunked) throws IOException {
        return RegistryProxy.start(registry.uri(), (ex, p) -> {
            if (!ex.getRequestURI().getPath().contains("/manifests/")) {
                return false;
            }
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(200, chunked ? 0 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
            return true;
        });
    }

    @Test
    void oversizedManifestIsRefusedWithOrWithoutContentLength() throws Exception {
        byte[] huge = ("{\"schemaVersion\":2,\"pad\":\"" + "x".repeat(5 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (boolean chunked : new boolean[] {false, true}) {
            try (RegistryProxy proxy = manifestServer(TestImage.OCI_MANIFEST, huge, chunked);
                 Stack s = Stack.real(root.resolve("c" + chunked))) {
                assertFailsNaming(FailedPreconditionException.class, "larger than the limit",
                        () -> s.pull(proxy.hostPort() + "/fail/huge:v1"));
            }
        }
    }

    @Test
    void schema1IsRefusedClearly() throws Exception {
        byte[] schema1 = "{\"schemaVersion\":1,\"name\":\"fail/old\",\"tag\":\"v1\",\"fsLayers\":[]}"
                .getBytes(StandardCharsets.UTF_8);
        try (RegistryProxy proxy = manifestServer("application/vnd.docker.distribution.manifest.v1+prettyjws",
                schema1, false); Stack s = Stack.real(root)) {
            assertFailsNaming(FailedPreconditionException.class, "schema 1",
                    () -> s.pull(proxy.hostPort() + "/fail/old:v1"));
        }
    }

    /** Sends half of every layer blob, then goes quiet (or trickles a byte every 100 ms). */
    private static RegistryProxy stallingProxy(TestImage image, boolean trickle) throws IOException {
        String layer = image.layers().get(1).blob().digest().toString();
        return RegistryProxy.start(registry.uri(), (ex, p) -> {
            if (!ex.getRequestURI().getPath().endsWith("/blobs/" + layer)) {
                return false;
            }
            stall(ex, p, trickle);
            return true;
        });
    }

    private static void stall(HttpExchange ex, RegistryProxy p, boolean trickle) throws IOException {
        byte[] body = p.fetch(ex).body();
        ex.sendResponseHeaders(200, body.length);
        OutputStream out = ex.getResponseBody();
        out.write(body, 0, body.length / 2);
        out.flush();
        try {
            for (int i = body.length / 2; i < body.length; i++) {
                Thread.sleep(trickle ? 100 : 60_000);
                out.write(body[i]);
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void stalledRegistryHitsTheProgressTimeout() throws Exception {
        TestImage image = pushFresh("fail/stall");
        try (RegistryProxy proxy = stallingProxy(image, false);
             Stack s = Stack.real(root, RegistryConfig.defaults(),
                     Stack.timeouts(Duration.ofSeconds(1), Duration.ofMinutes(5)))) {
            long start = System.nanoTime();
            assertFailsNaming(DeadlineExceededException.class, "no progress",
                    () -> s.pull(proxy.hostPort() + "/fail/stall:v1"));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos(), "gave up in time");
            s.assertNothingLeftOver();
        }
    }

    @Test
    void tricklingRegistryHitsTheAbsoluteCap() throws Exception {
        TestImage image = pushFresh("fail/trickle");
        try (RegistryProxy proxy = stallingProxy(image, true);
             Stack s = Stack.real(root, RegistryConfig.defaults(),
                     Stack.timeouts(Duration.ofSeconds(1), Duration.ofSeconds(3)))) {
            assertFailsNaming(DeadlineExceededException.class, "pull_timeout",
                    () -> s.pull(proxy.hostPort() + "/fail/trickle:v1"));
            s.assertNothingLeftOver();
        }
    }

    @Test
    void oneMillisecondDeadlineIsDeadlineExceededAndLeavesNothing() throws Exception {
        pushFresh("fail/deadline");
        try (Stack s = Stack.real(root)) {
            Instant deadline = Instant.now().plusMillis(1);
            assertFailsNaming(DeadlineExceededException.class, "deadline",
                    () -> s.pull(registry.hostPort() + "/fail/deadline:v1", Credentials.ANONYMOUS, deadline));
            assertTrue(s.module.images().list().isEmpty());
            s.assertNothingLeftOver();
            // and the image service is still fine afterwards
            assertEquals(1, s.pull(registry.hostPort() + "/fail/deadline:v1").repoTags().size());
        }
    }
}
