package io.berth.image.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.image.ref.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {

    private static final byte[] DATA = "hello layers".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    @Test
    void commitsVerifiedBlobAtItsDigestPath() throws Exception {
        ContentStore cs = new ContentStore(root);
        Digest d = Digest.of(DATA);
        cs.put(d, DATA);
        assertTrue(cs.has(d));
        assertEquals(root.resolve("blobs/sha256/" + d.hex()), cs.path(d));
        assertArrayEquals(DATA, cs.read(d));
        assertEquals(Set.of(d), cs.list());
        assertEquals(DATA.length, cs.usageBytes());
        assertTrue(cs.ingestFiles().isEmpty());
    }

    @Test
    void wrongDigestIsDiscardedNamingIt() throws Exception {
        ContentStore cs = new ContentStore(root);
        Digest claimed = Digest.of("something else".getBytes(StandardCharsets.UTF_8));
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> {
            try (Ingest in = cs.begin(claimed, DATA.length)) {
                in.write(DATA, 0, DATA.length);
                in.commit();
            }
        });
        assertTrue(e.getMessage().contains(claimed.toString()), e.getMessage());
        assertFalse(cs.has(claimed));
        assertTrue(cs.ingestFiles().isEmpty(), "partial file removed on close");
    }

    @Test
    void shortAndLongBlobsFail() throws Exception {
        ContentStore cs = new ContentStore(root);
        Digest d = Digest.of(DATA);
        assertThrows(FailedPreconditionException.class, () -> {
            try (Ingest in = cs.begin(d, DATA.length + 1)) {
                in.write(DATA, 0, DATA.length);
                in.commit();
            }
        });
        assertThrows(FailedPreconditionException.class, () -> {
            try (Ingest in = cs.begin(d, DATA.length - 1)) {
                in.write(DATA, 0, DATA.length);
            }
        });
        assertTrue(cs.ingestFiles().isEmpty());
        assertFalse(cs.has(d));
    }

    @Test
    void cleanIngestRemovesLeftoversOfACrash() throws Exception {
        ContentStore cs = new ContentStore(root);
        Files.write(root.resolve("ingest/" + "a".repeat(64) + ".1"), DATA);
        Files.createDirectories(root.resolve("ingest/odd-dir"));
        assertEquals(2, cs.cleanIngest());
        assertTrue(cs.ingestFiles().isEmpty());
    }
}
