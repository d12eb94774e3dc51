package io.berth.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.AlreadyExistsException;
import io.berth.common.error.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordStoreTest {

    record Item(String id, int count, Map<String, String> labels) {
    }

    @TempDir
    Path dir;

    private RecordStore<Item> store(int schema) {
        return new RecordStore<>(dir, "item", Item.class, schema, Item::id);
    }

    @Test
    void createdRecordsAreOnDiskInAVersionedEnvelopeAndReloadInANewStore() throws Exception {
        RecordStore<Item> s = store(1);
        s.create(new Item("aa11", 1, Map.of("k", "v")));
        String json = Files.readString(dir.resolve("aa11.json"));
        assertTrue(json.contains("\"schema\":1"), json);
        assertTrue(json.contains("\"revision\":1"), json);

        RecordStore<Item> again = store(1);
        RecordStore.LoadReport<Item> r = again.load();
        assertEquals(List.of(new Item("aa11", 1, Map.of("k", "v"))), r.loaded());
        assertTrue(r.problems().isEmpty());
        assertEquals(1, again.revision("aa11"));
    }

    @Test
    void createTwiceIsAlreadyExists() {
        RecordStore<Item> s = store(1);
        s.create(new Item("aa11", 1, Map.of()));
        assertThrows(AlreadyExistsException.class, () -> s.create(new Item("aa11", 2, Map.of())));
    }

    @Test
    void updatesBumpTheRevisionAndPersist() throws Exception {
        RecordStore<Item> s = store(1);
        s.create(new Item("aa11", 1, Map.of()));
        s.update("aa11", i -> new Item(i.id(), i.count() + 1, i.labels()));
        assertEquals(2, s.revision("aa11"));
        RecordStore<Item> again = store(1);
        again.load();
        assertEquals(2, again.get("aa11").orElseThrow().count());
        assertThrows(NotFoundException.class, () -> s.update("bb", i -> i));
    }

    @Test
    void concurrentUpdatesOfOneRecordLoseNoWrite() throws Exception {
        RecordStore<Item> s = store(1);
        s.create(new Item("aa11", 0, Map.of()));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 200; i++) {
            pool.submit(() -> s.update("aa11", it -> new Item(it.id(), it.count() + 1, it.labels())));
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        assertEquals(200, s.get("aa11").orElseThrow().count());
    }

    @Test
    void deleteRemovesTheFileAndIsIdempotent() {
        RecordStore<Item> s = store(1);
        s.create(new Item("aa11", 1, Map.of()));
        assertTrue(s.delete("aa11"));
        assertFalse(s.delete("aa11"));
        assertFalse(Files.exists(dir.resolve("aa11.json")));
        assertTrue(s.find("aa").isEmpty());
    }

    @Test
    void findsByUniquePrefix() {
        RecordStore<Item> s = store(1);
        s.create(new Item("aa11", 1, Map.of()));
        s.create(new Item("bb22", 2, Map.of()));
        assertEquals(2, s.resolve("b").count());
        assertThrows(NotFoundException.class, () -> s.resolve("c"));
    }

    @Test
    void loadSkipsNewerSchemasAndCorruptFilesAndDropsTempFiles() throws Exception {
        store(2).create(new Item("aa11", 1, Map.of()));
        Files.writeString(dir.resolve("bb22.json"), "{not json");
        Files.writeString(dir.resolve(".tmp-cc33.json-1234"), "half");
        RecordStore<Item> old = store(1);
        RecordStore.LoadReport<Item> r = old.load();
        assertTrue(r.loaded().isEmpty());
        assertEquals(2, r.problems().size(), r.problems().toString());
        assertFalse(Files.exists(dir.resolve(".tmp-cc33.json-1234")));
        assertTrue(Files.exists(dir.resolve("aa11.json")), "a newer record must be left alone");
    }

    @Test
    void loadOfAMissingDirectoryIsEmpty() throws Exception {
        RecordStore<Item> s = new RecordStore<>(dir.resolve("none"), "item", Item.class, 1, Item::id);
        assertTrue(s.load().loaded().isEmpty());
    }

    @Test
    void unsyncedWritesAreAtomicAndReloadLikeSyncedOnes() throws Exception {
        RecordStore<Item> s = store(1);
        s.create(new Item("aa11", 1, Map.of()), false);
        s.update("aa11", i -> new Item(i.id(), 2, i.labels()), false);
        try (var files = Files.list(dir)) {
            assertEquals(List.of("aa11.json"), files.map(p -> p.getFileName().toString()).toList());
        }
        RecordStore<Item> again = store(1);
        again.load();
        assertEquals(2, again.get("aa11").orElseThrow().count());
        assertEquals(2, again.revision("aa11"));
    }
}
