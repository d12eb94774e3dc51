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
 * the image that had it. Thread-safe: writers are synchronized and hold the
 * store only for their own record writes, never across network or
 * disk-heavy work; readers lock nothing and see each write whole or not at all.
 */
public final class ImageStore {

    private static final Logger LOG = LoggerFactory.getLogger(ImageStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path dir;
    /**
     * Readers take this without locking, so ImageStatus and ListImages never
     * wait behind a writer's disk writes; writers (synchronized, one at a
     * time) change a copy and replace it whole when they finish.
     */
    private volatile State state = State.EMPTY;

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
        Draft d = new Draft(state);
        try {
            ImageRecord existing = d.byId.get(incoming.id());
            ImageRecord merged = existing == null ? incoming : existing.mergedWith(incoming);
            Map<String, List<String>> stolen = new HashMap<>();
            for (String name : merged.names()) {
                String owner = d.idByName.get(name);
                if (owner != null && !owner.equals(merged.id())) {
                    stolen.computeIfAbsent(owner, k -> new ArrayList<>()).add(name);
                }
            }
            write(d, merged);
            for (var e : stolen.entrySet()) {
                write(d, d.byId.get(e.getKey()).withoutNames(e.getValue()));
            }
            return merged;
        } finally {
            // What reached the disk is what readers see, even when a later write failed.
            state = d.freeze();
        }
    }

    private void write(Draft d, ImageRecord r) throws IOException {
        AtomicFiles.write(file(r.id()), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(r));
        ImageRecord old = d.byId.put(r.id(), r);
        if (old != null) {
            old.names().forEach(n -> d.idByName.remove(n, r.id()));
        }
        r.names().forEach(n -> d.idByName.put(n, r.id()));
    }

    private Path file(String id) {
        return dir.resolve(Digest.parse(id).hex() + ".json");
    }

    /** Removes the image with all its names; false when there was none. */
    public synchronized boolean remove(String id) throws IOException {
        Draft d = new Draft(state);
        try {
            return remove(d, id);
        } finally {
            state = d.freeze();
        }
    }

    private boolean remove(Draft d, String id) throws IOException {
        ImageRecord r = d.byId.remove(id);
        if (r == null) {
            return false;
        }
        r.names().forEach(n -> d.idByName.remove(n, id));
        Files.deleteIfExists(file(id));
        AtomicFiles.syncDirectory(dir);
        return true;
    }

    /** Drops records that fail {@code keep}, e.g. ones whose content is gone. */
    public synchronized List<ImageRecord> retainOnly(Predicate<ImageRecord> keep) throws IOException {
        Draft d = new Draft(state);
        try {
            List<ImageRecord> dropped = d.byId.values().stream().filter(keep.negate()).toList();
            for (ImageRecord r : dropped) {
                remove(d, r.id());
            }
            return dropped;
        } finally {
            state = d.freeze();
        }
    }

    public Optional<ImageRecord> get(String id) {
        return Optional.ofNullable(state.byId().get(id));
    }

    /** Every image, ordered by id. */
    public List<ImageRecord> list() {
        return state.sorted();
    }

    /**
     * Finds an image by what a CRI caller may pass: its id ({@code sha256:<hex>},
     * the bare hex, or a unique hex prefix as crictl shows), or any name it was
     * pulled under, normalised ({@code busybox} finds {@code docker.io/library/busybox:latest}).
     * A malformed reference is InvalidArgument.
     */
    public Optional<ImageRecord> resolve(String text) {
        // One snapshot for every lookup below, so the name and id maps agree.
        State s = state;
        if (Digest.isDigest(text)) {
            return Optional.ofNullable(s.byId().get(text));
        }
        if (text.matches("[0-9a-f]{1,64}")) {
            List<ImageRecord> hits = s.sorted().stream()
                    .filter(r -> Digest.parse(r.id()).hex().startsWith(text)).toList();
            if (hits.size() == 1) {
                return Optional.of(hits.getFirst());
            }
            if (text.length() == 64) {
                return Optional.empty();
            }
        }
        String name = ImageReference.parse(text).toString();
        return Optional.ofNullable(s.idByName().get(name)).map(s.byId()::get);
    }

    /** The maps readers see; never changed once published. */
    private record State(Map<String, ImageRecord> byId, Map<String, String> idByName, List<ImageRecord> sorted) {

        static final State EMPTY = new State(Map.of(), Map.of(), List.of());
    }

    /** A writer's private copy of the maps, published as a new {@link State} when the write ends. */
    private static final class Draft {

        final Map<String, ImageRecord> byId;
        final Map<String, String> idByName;

        Draft(State from) {
            byId = new HashMap<>(from.byId());
            idByName = new HashMap<>(from.idByName());
        }

        State freeze() {
            return new State(Map.copyOf(byId), Map.copyOf(idByName),
                    byId.values().stream().sorted(Comparator.comparing(ImageRecord::id)).toList());
        }
    }
}
