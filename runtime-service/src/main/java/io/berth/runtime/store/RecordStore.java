package io.berth.runtime.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.berth.common.error.AlreadyExistsException;
import io.berth.common.error.InternalException;
import io.berth.common.error.NotFoundException;
import io.berth.common.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A small thread-safe store of records, each persisted as {@code <dir>/<id>.json}
 * before it becomes visible in memory, so that what berthd answers never runs
 * ahead of what survives a {@code kill -9}. Files are written atomically
 * (AtomicFiles) inside a versioned envelope:
 * <pre>{"schema": 1, "revision": 7, "record": {...}}</pre>
 * {@code schema} lets a newer berthd recognise an old layout; a file from a
 * newer schema than this build knows is left alone and reported by
 * {@link #load()}. {@code revision} counts the writes of one record.
 *
 * <p>Every write is atomic (temp file, rename). A write is also <em>synced</em>
 * (fsync of file and directory) unless the caller says it need not be: an
 * unsynced record survives a {@code kill -9} of berthd (the page cache
 * outlives the process) but maybe not a power loss. Callers use that for
 * intermediate states that only matter until the next reboot anyway; an
 * fsync costs milliseconds here (2-30 ms on this machine's disk), more than
 * the rest of a record write. A store made with {@code durable} false skips
 * the fsyncs by default: for records that describe processes, which a power
 * loss ends anyway (recovery reports them exited after the reboot).
 *
 * <p>Writers of one id are serialised by a striped lock; readers never block.
 *
 * @param <T> an immutable record type that Jackson can (de)serialise
 */
public final class RecordStore<T> {

    /** What {@link #load()} found: the records it took and the files it could not. */
    public record LoadReport<T>(List<T> loaded, Map<Path, String> problems) {
    }

    private record Entry<T>(T record, long revision) {
    }

    /** The on-disk form; field order as documented above. */
    private record Envelope<T>(int schema, long revision, T record) {
    }

    private static final int STRIPES = 64;

    private final Path dir;
    private final String kind;
    private final Class<T> type;
    private final int schema;
    private final Function<T, String> idOf;
    private final ObjectMapper mapper;
    private final Map<String, Entry<T>> entries = new ConcurrentHashMap<>();
    private final PrefixIndex index;
    private final Object[] locks = new Object[STRIPES];
    private final boolean durable;

    /** A store whose writes are synced unless a caller says otherwise. */
    public RecordStore(Path dir, String kind, Class<T> type, int schema, Function<T, String> idOf) {
        this(dir, kind, type, schema, idOf, true);
    }

    /**
     * @param dir     where the records live (created on first write)
     * @param kind    what they are, for messages ("pod sandbox")
     * @param schema  the layout version this build writes and reads
     * @param idOf    the record's id, also its file name
     * @param durable whether {@link #create(Object)} and {@link #update(String, UnaryOperator)} sync
     */
    public RecordStore(Path dir, String kind, Class<T> type, int schema, Function<T, String> idOf,
                       boolean durable) {
        this.durable = durable;
        this.dir = dir;
        this.kind = kind;
        this.type = type;
        this.schema = schema;
        this.idOf = idOf;
        this.index = new PrefixIndex(kind);
        this.mapper = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    public Path dir() {
        return dir;
    }

    /** Persists a new record, synced if the store is durable. @throws AlreadyExistsException when the id is taken */
    public void create(T record) {
        create(record, durable);
    }

    /** Persists a new record; {@code sync} false skips the fsyncs (see the class comment). */
    public void create(T record, boolean sync) {
        String id = idOf.apply(record);
        synchronized (lock(id)) {
            if (entries.containsKey(id)) {
                throw new AlreadyExistsException(kind + " " + id + " already exists");
            }
            write(id, record, 1, sync);
        }
    }

    /**
     * Applies {@code change} to the current record and persists the result
     * under the record's lock, so concurrent updates of one id never lose a write.
     *
     * @throws NotFoundException when there is no record with that id
     */
    public T update(String id, UnaryOperator<T> change) {
        return update(id, change, durable);
    }

    /** Like {@link #update(String, UnaryOperator)}; {@code sync} false skips the fsyncs. */
    public T update(String id, UnaryOperator<T> change, boolean sync) {
        synchronized (lock(id)) {
            Entry<T> cur = entries.get(id);
            if (cur == null) {
                throw new NotFoundException(kind + " " + id + " not found");
            }
            T next = change.apply(cur.record());
            if (!idOf.apply(next).equals(id)) {
                throw new IllegalArgumentException("an update must not change the id of " + id);
            }
            if (next != cur.record()) {
                write(id, next, cur.revision() + 1, sync);
            }
            return next;
        }
    }

    /** The record with exactly this id. */
    public Optional<T> get(String id) {
        Entry<T> e = entries.get(id);
        return e == null ? Optional.empty() : Optional.of(e.record());
    }

    /** The record whose id is or starts with {@code idOrPrefix}; see {@link PrefixIndex#find}. */
    public Optional<T> find(String idOrPrefix) {
        return index.find(idOrPrefix).flatMap(this::get);
    }

    /** Like {@link #find} but NotFound naming the id when nothing matches. */
    public T resolve(String idOrPrefix) {
        return find(idOrPrefix).orElseThrow(
                () -> new NotFoundException(kind + " \"" + idOrPrefix + "\" not found"));
    }

    public List<T> list() {
        List<T> out = new ArrayList<>(entries.size());
        for (Entry<T> e : entries.values()) {
            out.add(e.record());
        }
        return out;
    }

    public int size() {
        return entries.size();
    }

    /** Removes the record and its file. Idempotent: false when there was none. */
    public boolean delete(String id) {
        synchronized (lock(id)) {
            try {
                Files.deleteIfExists(file(id));
            } catch (IOException e) {
                throw new InternalException("cannot delete the record of " + kind + " " + id + ": "
                        + e.getMessage(), e);
            }
            index.remove(id);
            return entries.remove(id) != null;
        }
    }

    /**
     * Reads every record from disk into memory (start-up recovery). Records
     * already in memory are replaced. Leftover temp files of an interrupted
     * write are removed; unreadable files are left in place and reported.
     */
    public LoadReport<T> load() throws IOException {
        List<T> loaded = new ArrayList<>();
        Map<Path, String> problems = new java.util.LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return new LoadReport<>(loaded, problems);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(".tmp-")) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(".json") && !name.startsWith(".")) {
                    loadOne(p, loaded, problems);
                }
            }
        }
        return new LoadReport<>(loaded, problems);
    }

    private void loadOne(Path p, List<T> loaded, Map<Path, String> problems) {
        try {
            JsonNode root = mapper.readTree(p.toFile());
            int fileSchema = root.path("schema").asInt(-1);
            if (fileSchema < 1 || fileSchema > schema) {
                problems.put(p, "schema " + fileSchema + " is not one this build reads (1.." + schema + ")");
                return;
            }
            T rec = mapper.treeToValue(root.get("record"), type);
            String id = idOf.apply(rec);
            if (!p.getFileName().toString().equals(id + ".json")) {
                problems.put(p, "file name does not match the record id " + id);
                return;
            }
            entries.put(id, new Entry<>(rec, root.path("revision").asLong(1)));
            index.add(id);
            loaded.add(rec);
        } catch (IOException | RuntimeException e) {
            problems.put(p, String.valueOf(e.getMessage()));
        }
    }

    private void write(String id, T record, long revision, boolean sync) {
        try {
            // Serialised straight from the record: no intermediate JSON tree on every write.
            byte[] bytes = mapper.writeValueAsBytes(new Envelope<>(schema, revision, record));
            if (sync) {
                AtomicFiles.write(file(id), bytes);
            } else {
                replaceUnsynced(file(id), bytes);
            }
        } catch (IOException e) {
            throw new InternalException("cannot persist " + kind + " " + id + ": " + e.getMessage(), e);
        }
        entries.put(id, new Entry<>(record, revision));
        index.add(id);
    }

    /**
     * Temp file and rename, without fsync: atomic for every reader and across a
     * crash of berthd, not across a crash of the kernel. The temp name follows
     * AtomicFiles' ".tmp-" convention so that {@link #load()} sweeps leftovers.
     */
    private static void replaceUnsynced(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(".tmp-" + target.getFileName() + "-"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()));
        try {
            Files.write(tmp, bytes, java.nio.file.StandardOpenOption.CREATE_NEW);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Revision of the stored record, for tests and diagnostics; 0 when absent. */
    public long revision(String id) {
        Entry<T> e = entries.get(id);
        return e == null ? 0 : e.revision();
    }

    private Path file(String id) {
        if (id.isEmpty() || id.contains("/") || id.startsWith(".")) {
            throw new IllegalArgumentException("not a usable record id: \"" + id + "\"");
        }
        return dir.resolve(id + ".json");
    }

    private Object lock(String id) {
        return locks[Math.floorMod(id.hashCode(), STRIPES)];
    }

}
