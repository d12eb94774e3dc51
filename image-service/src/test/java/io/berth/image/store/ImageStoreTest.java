package io.berth.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {

    static final String A = "sha256:" + "a".repeat(64);
    static final String B = "sha256:" + "b".repeat(64);
    static final String M = "sha256:" + "f".repeat(64);

    @TempDir
    Path dir;

    static ImageRecord image(String id, List<String> tags, List<String> digests, long pulledAt) {
        return new ImageRecord(id, M, null, List.of(new LayerRecord("sha256:" + "1".repeat(64),
                "application/vnd.oci.image.layer.v1.tar+gzip", 10, "sha256:" + "2".repeat(64),
                "sha256:" + "2".repeat(64))), tags, digests, 100, "", pulledAt);
    }

    @Test
    void resolvesByIdPrefixAndAnySpellingOfAName() throws Exception {
        ImageStore s = ImageStore.open(dir);
        s.put(image(A, List.of("docker.io/library/busybox:latest"), List.of("docker.io/library/busybox@" + M), 1));
        assertEquals(A, s.resolve(A).orElseThrow().id());
        assertEquals(A, s.resolve("a".repeat(64)).orElseThrow().id());
        assertEquals(A, s.resolve("aaaaaaaaaaaa").orElseThrow().id());
        assertEquals(A, s.resolve("busybox").orElseThrow().id());
        assertEquals(A, s.resolve("library/busybox:latest").orElseThrow().id());
        assertEquals(A, s.resolve("busybox@" + M).orElseThrow().id());
        assertTrue(s.resolve("busybox:1.0").isEmpty());
        assertTrue(s.resolve(B).isEmpty());
        assertThrows(InvalidArgumentException.class, () -> s.resolve("Bad:Ref:x"));
    }

    @Test
    void samePullMergesNamesAndAMovedTagLeavesTheOldImage() throws Exception {
        ImageStore s = ImageStore.open(dir);
        s.put(image(A, List.of("docker.io/library/app:v1"), List.of("docker.io/library/app@" + M), 1));
        s.put(image(A, List.of("docker.io/library/app:latest"), List.of(), 2));
        assertEquals(List.of("docker.io/library/app:v1", "docker.io/library/app:latest"),
                s.get(A).orElseThrow().repoTags());
        s.put(image(B, List.of("docker.io/library/app:latest"), List.of(), 3));
        assertEquals(List.of("docker.io/library/app:v1"), s.get(A).orElseThrow().repoTags());
        assertEquals(B, s.resolve("app:latest").orElseThrow().id());

        ImageStore reopened = ImageStore.open(dir);
        assertEquals(List.of("docker.io/library/app:v1"), reopened.get(A).orElseThrow().repoTags());
        assertEquals(B, reopened.resolve("app:latest").orElseThrow().id());
    }

    @Test
    void removeDropsEveryName() throws Exception {
        ImageStore s = ImageStore.open(dir);
        s.put(image(A, List.of("docker.io/library/app:v1", "docker.io/library/app:v2"), List.of(), 1));
        assertTrue(s.remove(A));
        assertFalse(s.remove(A));
        assertTrue(s.resolve("app:v2").isEmpty());
        assertTrue(ImageStore.open(dir).list().isEmpty());
    }

    @Test
    void openDeletesHalfWrittenAndUnreadableRecords() throws Exception {
        ImageStore s = ImageStore.open(dir);
        s.put(image(A, List.of("docker.io/library/app:v1"), List.of(), 1));
        Files.writeString(dir.resolve(".tmp-" + "b".repeat(64) + ".json-77"), "{\"id\":\"sha");
        Files.writeString(dir.resolve("c".repeat(64) + ".json"), "not json");
        ImageStore reopened = ImageStore.open(dir);
        assertEquals(List.of(A), reopened.list().stream().map(ImageRecord::id).toList());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("a".repeat(64) + ".json"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aNameLeftOnTwoRecordsByACrashGoesToTheNewerPull() throws Exception {
        ImageStore first = ImageStore.open(dir.resolve("x"));
        first.put(image(A, List.of("docker.io/library/app:v1"), List.of(), 5));
        ImageStore second = ImageStore.open(dir.resolve("y"));
        second.put(image(B, List.of("docker.io/library/app:v1"), List.of(), 9));
        Files.copy(dir.resolve("y/" + "b".repeat(64) + ".json"), dir.resolve("x/" + "b".repeat(64) + ".json"));
        ImageStore merged = ImageStore.open(dir.resolve("x"));
        assertEquals(B, merged.resolve("app:v1").orElseThrow().id());
        assertEquals(List.of(), merged.get(A).orElseThrow().repoTags());
    }
}
