package io.berth.image.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.fs.AtomicFiles;
import io.berth.image.ref.Digest;
import io.berth.image.ref.ImageReference;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images Berth has, one JSON record per image under {@code <dir>/<hex>.json},
 * each written atomically. A name ({@code repo:tag} or {@code repo@digest})
 * belongs to at most one image: pulling a tag that moved takes the name from
 * the image that had it. Thread-safe; every method is short and synchronized,
 * so the store is never held across network or disk-heavy work.
 */
public final class ImageStore {

    private static final Logger LOG = LoggerFactory.getLogger(ImageStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path dir;
    private final Map<String, ImageRecord> byId = new HashMap<>();
    private final Map<String, String> idByName = new HashMap<>();

    private ImageStore(Path dir) {
        this.dir = dir;
    }

    /**
     * Loads every committed record. Temp files of a write cut short by a
     * crash are deleted; a record that does not parse is deleted with a
     * warning (atomic writes make that a sign of outside damage).
     */
    public static ImageStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        ImageStore store = new ImageStore(dir);
        List<ImageRecord> loaded = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(".tmp-")) {
                    LOG.info("removing half-written image record {}", p);
                    Files.deleteIfExists(p);
                } else if (name.endsWith(".json")) {
                    store.load(p).ifPresent(loaded::add);
                }
            }
        }
        // Oldest first, so that when a crash left a name on two records the
        // newer pull keeps it, as it would have without the crash.
        loaded.sort(Comparator.comparingLong(ImageRecord::pulledAtMillis));
        for (ImageRecord r : loaded) {
            store.put(r);
        }
        return store;
    }

    private Optional<ImageRecord> load(Path p) throws IOException {
        try {
            ImageRecord r = JSON.readValue(p.toFile(), ImageRecord.class);
            Digest id = Digest.parse(r.id());
            if (!p.getFileName().toString().equals(id.hex() + ".json")) {
                throw new IOException("record id " + id + " does not match its file name");
            }
            return Optional.of(r);
        } catch (IOException | RuntimeException e) {
            LOG.warn("dropping unreadable image record {}: {}", p, e.getMessage());
            Files.deleteIfExists(p);
            return Optional.empty();
        }
    }

    /** Adds an image or merges names into the one with the same id, and persists every change. */
    public synchronized ImageRecord put(ImageRecord incoming) throws IOException {
        ImageRecord existing = byId.get(incoming.id());
        ImageRecord merged = existing == null ? incoming : existing.mergedWith(incoming);
        Map<String, List<String>> stolen = new HashMap<>();
        for (String name : merged.names()) {
            String owner = idByName.get(name);
            if (owner != null && !owner.equals(merged.id())) {
                stolen.computeIfAbsent(owner, k -> new ArrayList<>()).add(name);
            }
        }
        write(merged);
        for (var e : stolen.entrySet()) {
            write(byId.get(e.getKey()).withoutNames(e.getValue()));
        }
        return merged;
    }

    private void write(ImageRecord r) throws IOException {
        AtomicFiles.write(file(r.id()), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(r));
        ImageRecord old = byId.put(r.id(), r);
        if (old != null) {
            old.names().forEach(n -> idByName.remove(n, r.id()));
        }
        r.names().forEach(n -> idByName.put(n, r.id()));
    }

    private Path file(String id) {
        return dir.resolve(Digest.parse(id).hex() + ".json");
    }

    /** Removes the image with all its names; false when there was none. */
    public synchronized boolean remove(String id) throws IOException {
        ImageRecord r = byId.remove(id);
        if (r == null) {
            return false;
        }
        r.names().forEach(n -> idByName.remove(n, id));
        Files.deleteIfExists(file(id));
        AtomicFiles.syncDirectory(dir);
        return true;
    }

    /** Drops records that fail {@code keep}, e.g. ones whose content is gone. */
    public synchronized List<ImageRecord> retainOnly(Predicate<ImageRecord> keep) throws IOException {
        List<ImageRecord> dropped = byId.values().stream().filter(keep.negate()).toList();
        for (ImageRecord r : dropped) {
            remove(r.id());
        }
        return dropped;
    }

    public synchronized Optional<ImageRecord> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public synchronized List<ImageRecord> list() {
        return byId.values().stream().sorted(Comparator.comparing(ImageRecord::id)).toList();
    }

    /**
     * Finds an image by what a CRI caller may pass: its id ({@code sha256:<hex>},
     * the bare hex, or a unique hex prefix as crictl shows), or any name it was
     * pulled under, normalised ({@code busybox} finds {@code docker.io/library/busybox:latest}).
     * A malformed reference is InvalidArgument.
     */
    public synchronized Optional<ImageRecord> resolve(String text) {
        if (Digest.isDigest(text)) {
            return get(text);
        }
        if (text.matches("[0-9a-f]{1,64}")) {
            List<ImageRecord> hits = byId.values().stream()
                    .filter(r -> Digest.parse(r.id()).hex().startsWith(text)).toList();
            if (hits.size() == 1) {
                return Optional.of(hits.getFirst());
            }
            if (text.length() == 64) {
                return Optional.empty();
            }
        }
        String name = ImageReference.parse(text).toString();
        return Optional.ofNullable(idByName.get(name)).map(byId::get);
    }
}
