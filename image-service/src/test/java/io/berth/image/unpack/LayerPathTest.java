package io.berth.image.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayerPathTest {

    @Test
    void normalisesLikeTheEcosystem() throws UnsafeEntryException {
        assertEquals(List.of("etc", "x"), LayerPath.components("/etc/x"));
        assertEquals(List.of("etc", "x"), LayerPath.components("./etc//./x/"));
        assertEquals(List.of("etc", "x"), LayerPath.components("///etc/x"));
        assertEquals(List.of(), LayerPath.components("./"));
        assertEquals(List.of(), LayerPath.components("/"));
        assertEquals(List.of("a..b", "...", ".wh.x"), LayerPath.components("a..b/.../.wh.x"));
    }

    @Test
    void refusesParentComponents() {
        for (String bad : List.of("..", "../x", "/../../x", "a/../../x", "a/..", "a/../b")) {
            assertThrows(UnsafeEntryException.class, () -> LayerPath.components(bad), bad);
        }
    }
}
