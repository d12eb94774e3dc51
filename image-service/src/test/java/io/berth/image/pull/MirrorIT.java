package io.berth.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.UnavailableException;
import io.berth.image.config.ImageConfig;
import io.berth.image.config.MirrorConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.store.ImageRecord;
import io.berth.image.testing.RegistryProxy;
import io.berth.image.testing.RegistryPusher;
import io.berth.image.testing.RegistryServer;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImage.Format;
import io.berth.image.testing.TestImages;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirrors: tried in order before the upstream, the repository path kept
 * (Docker Hub's implicit {@code library/} too), and no upstream when
 * fallback is off. Upstreams here are loopback proxies that count requests,
 * so "not contacted" is measured, and nothing leaves the machine.
 */
class MirrorIT {

    @TempDir
    static Path registryDir;
    static RegistryServer registry;
    static TestImage image;

    @TempDir
    Path root;

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryServer.start(registryDir);
        image = TestImages.threeLayers(Format.DOCKER);
        RegistryPusher pusher = new RegistryPusher(registry.uri(), null, null);
        pusher.push("library/busybox", "1.36", image);
        pusher.push("pause", "3.10", image);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private static String dead() throws Exception {
        return "http://127.0.0.1:" + RegistryServer.freePort();
    }

    private Stack stack(Map<String, MirrorConfig> mirrors) throws Exception {
        return Stack.real(root, new RegistryConfig(mirrors, List.of(), null, 0), ImageConfig.defaults());
    }

    @Test
    void dockerHubNameThroughMirrorWithoutFallback() throws Exception {
        try (Stack s = stack(Map.of("docker.io", new MirrorConfig(List.of(dead(), registry.uri().toString()),
                false)))) {
            ImageRecord r = s.pull("busybox:1.36");
            assertEquals(image.id(), r.id());
            assertEquals(List.of("docker.io/library/busybox:1.36"), r.repoTags());
        }
    }

    @Test
    void fallbackOffNeverContactsTheUpstream() throws Exception {
        AtomicInteger upstreamHits = new AtomicInteger();
        try (RegistryProxy upstream = RegistryProxy.start(registry.uri(), (ex, p) -> {
            upstreamHits.incrementAndGet();
            return false;
        }); Stack s = stack(Map.of(upstream.hostPort(), new MirrorConfig(List.of(dead()), false)))) {
            UnavailableException e = assertThrows(UnavailableException.class,
                    () -> s.pull(upstream.hostPort() + "/pause:3.10"));
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            assertEquals(0, upstreamHits.get());
        }
    }

    @Test
    void fallbackOnUsesTheUpstreamAfterDeadMirrors() throws Exception {
        AtomicInteger upstreamHits = new AtomicInteger();
        try (RegistryProxy upstream = RegistryProxy.start(registry.uri(), (ex, p) -> {
            upstreamHits.incrementAndGet();
            return false;
        }); Stack s = stack(Map.of(upstream.hostPort(), new MirrorConfig(List.of(dead(), dead()), true)))) {
            assertEquals(image.id(), s.pull(upstream.hostPort() + "/pause:3.10").id());
            assertTrue(upstreamHits.get() > 0);
        }
    }

    @Test
    void mirrorKeepsTheRepositoryPathOfOtherRegistries() throws Exception {
        AtomicInteger mirrorHits = new AtomicInteger();
        try (RegistryProxy mirror = RegistryProxy.start(registry.uri(), (ex, p) -> {
            assertTrue(ex.getRequestURI().getPath().startsWith("/v2/pause/"), ex.getRequestURI().toString());
            mirrorHits.incrementAndGet();
            return false;
        }); Stack s = stack(Map.of("registry.k8s.io", new MirrorConfig(List.of(mirror.uri().toString()), false)))) {
            ImageRecord r = s.pull("registry.k8s.io/pause:3.10");
            assertEquals(List.of("registry.k8s.io/pause:3.10"), r.repoTags());
            assertTrue(mirrorHits.get() >= 5, "manifest, config and layers from the mirror");
        }
    }
}
