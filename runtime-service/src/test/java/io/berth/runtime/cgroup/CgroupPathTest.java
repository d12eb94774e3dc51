package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CgroupPathTest {

    @ParameterizedTest
    @CsvSource({
        "/kubepods/burstable/pod1, /kubepods/burstable/pod1",
        "kubepods/burstable, /kubepods/burstable",
        "/kubepods//burstable/, /kubepods/burstable",
        "/, /",
    })
    void parseNormalises(String text, String expected) {
        assertEquals(expected, CgroupPath.parse(text).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/../b", "/..", "/a/./b", "relative", "", "/a//b", "/a/b/"})
    void rejectsPathsThatCouldEscapeOrAreNotNormal(String text) {
        assertThrows(InvalidArgumentException.class, () -> new CgroupPath(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "/..", "a/../..", "x\ny"})
    void parseStillRejectsTraversal(String text) {
        assertThrows(InvalidArgumentException.class, () -> CgroupPath.parse(text));
    }

    @Test
    void navigation() {
        CgroupPath p = CgroupPath.parse("/kubepods/burstable/pod1");
        assertEquals("pod1", p.name());
        assertEquals(CgroupPath.parse("/kubepods/burstable"), p.parent());
        assertEquals(CgroupPath.ROOT, CgroupPath.parse("/kubepods").parent());
        assertNull(CgroupPath.ROOT.parent());
        assertEquals(List.of("kubepods", "burstable", "pod1"), p.names());
        assertEquals("kubepods/burstable/pod1", p.relative());
        assertEquals(CgroupPath.parse("/kubepods/burstable/pod1/c1"), p.child("c1"));
        assertEquals(CgroupPath.parse("/x"), CgroupPath.ROOT.child("x"));
        assertThrows(InvalidArgumentException.class, () -> p.child(".."));
        assertThrows(InvalidArgumentException.class, () -> p.child("a/b"));
    }

    @Test
    void within() {
        CgroupPath pod = CgroupPath.parse("/kubepods/pod1");
        assertTrue(pod.child("c").isWithin(pod));
        assertTrue(pod.isWithin(pod));
        assertFalse(CgroupPath.parse("/kubepods/pod10").isWithin(pod));
        assertFalse(CgroupPath.parse("/kubepods").isWithin(pod));
    }
}
