package io.berth.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import io.berth.image.store.ImageRecord;
import io.berth.image.testing.RegistryPusher;
import io.berth.image.testing.RegistryServer;
import io.berth.image.testing.TarBuilder;
import io.berth.image.testing.TarBuilder.Meta;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImage.Format;
import io.berth.image.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers unpack while they download, in parallel, each into its own
 * directory, and become snapshots in chain order: through a real
 * docker-registry on loopback, what that must not change.
 */
class PullStreamingIT {

    @TempDir
    static Path registryDir;
    static RegistryServer registry;
    static RegistryPusher pusher;

    @TempDir
    Path root;
    @TempDir
    Path outside;

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

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    void directoriesALayerOnlyImpliesKeepTheLowerLayersAttributes() throws Exception {
        byte[] base = new TarBuilder().dir("tmp", Meta.of(01777)).dir("usr", Meta.of(0750).owner(7, 8))
                .file("usr/readme", "base").build();
        // The top layer names tmp/x and usr/local/bin/y but not tmp/, usr/ or usr/local/.
        byte[] top = new TarBuilder().file("tmp/x", "x").file("usr/local/bin/y", "y").build();
        TestImage image = TestImage.builder().format(Format.DOCKER)
                .layer(base, TestImage.Compression.GZIP)
                .layer(TestImages.randomLayer(31, 3 << 20), TestImage.Compression.GZIP)
                .layer(top, TestImage.Compression.GZIP).build();
        pusher.push("stream/dirs", "v1", image);
        try (Stack s = Stack.real(root)) {
            ImageRecord r = s.pull(registry.hostPort() + "/stream/dirs:v1");
            List<Path> lowers = s.snapshots.lowerDirs(r.chainIds().getLast());
            assertEquals(3, lowers.size());
            Path upper = lowers.getFirst();
            assertEquals(01777, mode(upper.resolve("tmp")), "a lower /tmp stays world-writable and sticky");
            assertEquals(0750, mode(upper.resolve("usr")));
            assertEquals(7, Files.getAttribute(upper.resolve("usr"), "unix:uid"));
            assertEquals(0755, mode(upper.resolve("usr/local")), "no lower usr/local: the default");
            assertEquals("y", Files.readString(upper.resolve("usr/local/bin/y")));
            s.assertNothingLeftOver();
        }
    }

    @Test
    void anEscapingLayerFailsThePullNamingTheEntryAndLeavesNothing() throws Exception {
        byte[] evil = new TarBuilder().symlink("link", outside.toString()).file("link/planted", "x").build();
        TestImage image = TestImage.builder().format(Format.OCI)
                .layer(TestImages.randomLayer(32, 2 << 20), TestImage.Compression.GZIP)
                .layer(evil, TestImage.Compression.GZIP)
                .layer(TestImages.randomLayer(33, 2 << 20), TestImage.Compression.GZIP).build();
        pusher.push("stream/evil", "v1", image);
        try (Stack s = Stack.real(root)) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> s.pull(registry.hostPort() + "/stream/evil:v1"));
            assertTrue(e.getMessage().contains("link/planted"), e.getMessage());
            assertFalse(Files.exists(outside.resolve("planted")), "nothing written through the symlink");
            assertTrue(s.module.images().list().isEmpty());
            s.assertNothingLeftOver();
        }
    }
}
