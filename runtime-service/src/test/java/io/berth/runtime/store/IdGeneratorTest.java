package io.berth.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdGeneratorTest {

    @Test
    void idsAreSixtyFourLowerHexCharactersAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = IdGenerator.newId();
            assertEquals(64, id.length());
            assertTrue(IdGenerator.isFullId(id), id);
            assertTrue(seen.add(id), "repeated id " + id);
        }
    }

    @Test
    void isFullIdRejectsOtherShapes() {
        assertFalse(IdGenerator.isFullId("abc"));
        assertFalse(IdGenerator.isFullId("A".repeat(64)));
        assertFalse(IdGenerator.isFullId(null));
    }
}
