package io.berth.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.berth.image.ref.Digest;
import io.berth.image.rpc.ImageServiceModule;
import io.berth.image.snapshot.OverlaySnapshotter;
import io.berth.image.snapshot.Snapshotter;
import io.berth.image.store.ImageRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Checks that the stores hold exactly what the image records reference. */
final class Leftovers {

    private Leftovers() {
    }

    static void assertNone(ImageServiceModule m, Snapshotter snapshots) throws IOException {
        assertEquals(Set.of(), m.content().ingestFiles(), "partial downloads left");
        Set<String> blobs = new HashSet<>();
        Set<String> chains = new HashSet<>();
        for (ImageRecord r : m.images().list()) {
            blobs.addAll(r.blobs());
            chains.addAll(r.chainIds());
        }
        assertEquals(blobs, m.content().list().stream().map(Digest::toString).collect(Collectors.toSet()),
                "blobs in the content store");
        assertEquals(chains, snapshots.list(), "snapshots");
        if (snapshots instanceof OverlaySnapshotter overlay) {
            // Layers unpacked while downloading live in tmp- directories until committed.
            try (Stream<Path> dirs = Files.list(overlay.snapshotsDir())) {
                assertEquals(List.of(), dirs.map(d -> d.getFileName().toString())
                        .filter(n -> n.startsWith("tmp-") || n.startsWith("rm-")).toList(), "unpack directories left");
            }
        }
    }
}
