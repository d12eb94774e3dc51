package io.berth.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrefixIndexTest {

    private final PrefixIndex index = new PrefixIndex("pod sandbox");

    @Test
    void resolvesFullIdsAndUniquePrefixes() {
        index.add("abc123");
        index.add("abd456");
        assertEquals("abc123", index.resolve("abc123"));
        assertEquals("abc123", index.resolve("abc"));
        assertEquals("abd456", index.resolve("abd"));
    }

    @Test
    void anAmbiguousPrefixIsAnErrorNamingIt() {
        index.add("abc123");
        index.add("abd456");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> index.resolve("ab"));
        assertTrue(e.getMessage().contains("\"ab\""), e.getMessage());
    }

    @Test
    void aFullIdThatIsAlsoAPrefixOfAnotherResolvesToItself() {
        index.add("abc");
        index.add("abcd");
        assertEquals("abc", index.resolve("abc"));
    }

    @Test
    void missingIdsAreNotFoundAndEmptyIsInvalid() {
        index.add("abc123");
        assertThrows(NotFoundException.class, () -> index.resolve("x"));
        assertEquals(Optional.empty(), index.find("abd"));
        assertThrows(InvalidArgumentException.class, () -> index.find(""));
    }

    @Test
    void removedIdsNoLongerResolveAndFreeTheirPrefix() {
        index.add("abc123");
        index.add("abd456");
        index.remove("abd456");
        assertEquals("abc123", index.resolve("ab"));
        assertEquals(1, index.size());
    }
}
