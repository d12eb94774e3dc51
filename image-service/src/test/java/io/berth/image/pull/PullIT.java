package io.berth.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.image.config.ImageConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.store.ImageRecord;
import io.berth.image.testing.RegistryPusher;
import io.berth.image.testing.RegistryServer;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImage.Format;
import io.berth.image.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a real docker-registry on loopback into real overlay snapshots. */
class PullIT {

    @TempDir
    static Path registryDir;
    static RegistryServer registry;
    static TestImage docker3;
    static TestImage oci3;
    static TestImage arm64;
    static TestImage.Blob ociIndex;
    static TestImage.Blob dockerList;
    static TestImage hundred;

    @TempDir
    Path root;

    @BeforeAll
    static void pushImages() throws Exception {
        registry = RegistryServer.start(registryDir);
        RegistryPusher pusher = new RegistryPusher(registry.uri(), null, null);
        docker3 = TestImages.threeLayers(Format.DOCKER);
        oci3 = TestImages.threeLayers(Format.OCI);
        pusher.push("test/docker3", "v1", docker3);
        pusher.chunked(64 * 1024).push("test/oci3", "v1", oci3);
        pusher.chunked(0);
        arm64 = TestImages.forPlatform(Format.OCI, "arm64", "v8");
        ociIndex = TestImage.index(Format.OCI, List.of(oci3, arm64));
        pusher.pushIndex("test/multi", "oci", ociIndex, List.of(oci3, arm64));
        TestImage dockerArm = TestImages.forPlatform(Format.DOCKER, "arm64", null);
        dockerList = TestImage.index(Format.DOCKER, List.of(docker3, dockerArm));
        pusher.pushIndex("test/multi", "docker", dockerList, List.of(docker3, dockerArm));
        hundred = TestImages.manyLayers(100);
        pusher.push("test/hundred", "v1", hundred);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private String ref(String repoTag) {
        return registry.hostPort() + "/" + repoTag;
    }

    @Test
    void pullsDockerSchema2WithThreeLayersIntoSnapshots() throws Exception {
        try (Stack s = Stack.real(root)) {
            ImageRecord r = s.pull(ref("test/docker3:v1"));
            assertEquals(docker3.id(), r.id());
            assertEquals(List.of(ref("test/docker3:v1")), r.repoTags());
            assertEquals(List.of(ref("test/docker3") + "@" + docker3.manifest().digest()), r.repoDigests());
            assertEquals(docker3.size(), r.size());
            assertEquals(docker3.chainIds(), r.chainIds());
            assertRootfs(s, r);
            s.assertNothingLeftOver();
        }
    }

    // The merged view of the lower dirs, as overlay would show it.
    private static void assertRootfs(Stack s, ImageRecord r) throws Exception {
        List<Path> lowers = s.snapshots.lowerDirs(r.chainIds().getLast());
        assertEquals(3, lowers.size());
        Path base = lowers.get(2);
        Path middle = lowers.get(1);
        Path top = lowers.get(0);
        assertEquals(TestImages.busybox().length, Files.size(base.resolve("bin/busybox")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(base.resolve("bin/sh")));
        assertEquals(Files.getAttribute(base.resolve("bin/busybox"), "unix:ino"),
                Files.getAttribute(base.resolve("bin/busybox-hard"), "unix:ino"));
        assertTrue((((Integer) Files.getAttribute(middle.resolve("bin/suid"), "unix:mode")) & 04000) != 0,
                "setuid bit kept");
        assertTrue(Files.getPosixFilePermissions(middle.resolve("bin/suid")).contains(PosixFilePermission.OWNER_EXECUTE));
        // whiteout: a 0/0 character device in the upper layer
        assertEquals(0L, Files.getAttribute(middle.resolve("etc/obsolete"), "unix:rdev", LinkOption.NOFOLLOW_LINKS));
        assertEquals(0020000, ((Integer) Files.getAttribute(middle.resolve("etc/obsolete"), "unix:mode",
                LinkOption.NOFOLLOW_LINKS)) & 0170000);
        assertTrue(Files.exists(top.resolve("data/new.txt")));
    }

    @Test
    void pullsOciWithZstdAndUncompressedLayersChunkedUpload() throws Exception {
        try (Stack s = Stack.real(root)) {
            ImageRecord r = s.pull(ref("test/oci3:v1"));
            assertEquals(oci3.id(), r.id());
            assertEquals("application/vnd.oci.image.layer.v1.tar+zstd", r.layers().get(2).mediaType());
            assertRootfs(s, r);
        }
    }

    @Test
    void choosesPlatformFromOciIndexAndDockerList() throws Exception {
        try (Stack s = Stack.real(root)) {
            ImageRecord amd = s.pull(ref("test/multi:oci"));
            assertEquals(oci3.id(), amd.id());
            assertEquals(ociIndex.digest().toString(), amd.indexDigest());
            // The repo digest is the index digest, which is what the reference resolved to.
            assertEquals(List.of(ref("test/multi") + "@" + ociIndex.digest()), amd.repoDigests());
            assertEquals(docker3.id(), s.pull(ref("test/multi:docker")).id());
        }
        RegistryConfig arm = new RegistryConfig(Map.of(), List.of(), "linux/arm64", 4);
        try (Stack s = Stack.real(root.resolve("arm"), arm, ImageConfig.defaults())) {
            assertEquals(arm64.id(), s.pull(ref("test/multi:oci")).id());
        }
    }

    @Test
    void pullsByDigestAndByTagAndDigest() throws Exception {
        try (Stack s = Stack.real(root)) {
            String byDigest = ref("test/docker3@" + docker3.manifest().digest());
            ImageRecord r = s.pull(byDigest);
            assertEquals(docker3.id(), r.id());
            assertEquals(List.of(), r.repoTags());
            ImageRecord both = s.pull(ref("test/docker3:v1@" + docker3.manifest().digest()));
            assertEquals(r.id(), both.id());
            ImageRecord tagged = s.pull(ref("test/docker3:v1"));
            assertEquals(List.of(ref("test/docker3:v1")), tagged.repoTags());
            assertEquals(1, s.module.images().list().size());
        }
    }

    @Test
    void pullsAHundredLayerImage() throws Exception {
        try (Stack s = Stack.real(root)) {
            ImageRecord r = s.pull(ref("test/hundred:v1"));
            assertEquals(100, r.layers().size());
            assertEquals(hundred.chainIds(), r.chainIds());
            assertEquals(100, s.snapshots.lowerDirs(r.chainIds().getLast()).size());
            s.assertNothingLeftOver();
        }
    }

    @Test
    void secondPullOfSameImageDownloadsNothing() throws Exception {
        try (Stack s = Stack.real(root)) {
            s.pull(ref("test/docker3:v1"));
            long fetched = s.module.puller().blobFetchCount();
            s.pull(ref("test/docker3:v1"));
            assertEquals(fetched, s.module.puller().blobFetchCount());
        }
    }

    @Test
    void imageSurvivesRestart() throws Exception {
        String id;
        try (Stack s = Stack.real(root)) {
            id = s.pull(ref("test/oci3:v1")).id();
        }
        try (Stack s = Stack.real(root)) {
            ImageRecord r = s.module.images().resolve(ref("test/oci3:v1")).orElseThrow();
            assertEquals(id, r.id());
            assertEquals(3, s.snapshots.lowerDirs(r.chainIds().getLast()).size());
            assertTrue(s.module.recovery().droppedImages().isEmpty());
            s.assertNothingLeftOver();
        }
    }

    @Test
    void unknownTagIsNotFoundNamingIt() throws Exception {
        try (Stack s = Stack.real(root)) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(io.berth.common.error.NotFoundException.class,
                    () -> s.pull(ref("test/docker3:nope")));
            assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("test/docker3"), e.getMessage());
            assertNull(s.module.images().resolve(ref("test/docker3:nope")).orElse(null));
        }
    }

}
