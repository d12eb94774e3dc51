package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.common.error.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SystemdSlicesTest {

    @ParameterizedTest
    @CsvSource({
        "-.slice, /",
        "system.slice, /system.slice",
        "kubepods.slice, /kubepods.slice",
        "kubepods-burstable.slice, /kubepods.slice/kubepods-burstable.slice",
        "kubepods-burstable-pod1234_5678.slice,"
                + " /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_5678.slice",
        "a\\x2db-c.slice, /a\\x2db.slice/a\\x2db-c.slice",
    })
    void expandsSliceNamesIntoNestedPaths(String slice, String path) {
        assertEquals(path, SystemdSlices.expand(slice).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"kubepods", "-foo.slice", "foo-.slice", "a--b.slice", "a/b.slice", ".slice",
        "kubepods.scope"})
    void rejectsInvalidSliceNames(String slice) {
        assertThrows(InvalidArgumentException.class, () -> SystemdSlices.expand(slice));
    }

    @ParameterizedTest
    @CsvSource({
        "pod1234, pod1234",
        "pod12-34, pod12\\x2d34",
        "my.name, my.name",
        ".hidden, \\x2ehidden",
        "a:b_c, a:b_c",
        "sp ace, sp\\x20ace",
        "caf\u00e9, caf\\xc3\\xa9",
    })
    void escapesPerSystemdUnitRules(String name, String escaped) {
        assertEquals(escaped, SystemdSlices.escape(name));
    }

    @Test
    void buildsSlicesFromLevels() {
        assertEquals("kubepods-burstable-pod1.slice",
                SystemdSlices.sliceOf(CgroupPath.parse("/kubepods/burstable/pod1")));
        assertEquals("a\\x2db-c.slice", SystemdSlices.sliceOf(List.of("a-b", "c")));
        assertEquals("-.slice", SystemdSlices.sliceOf(List.of()));
        assertEquals("berth-podabc.slice", SystemdSlices.childSlice("berth.slice", "podabc"));
        assertEquals("top.slice", SystemdSlices.childSlice("-.slice", "top"));
    }

    @Test
    void escapedDashStaysInOneLevel() {
        String slice = SystemdSlices.sliceOf(List.of("kube-pods", "pod1"));
        assertEquals(2, SystemdSlices.expand(slice).names().size());
    }

    @Test
    void scopeNames() {
        assertEquals("berth-abc.scope", SystemdSlices.unitName("berth", "abc"));
        assertEquals("my.slice", SystemdSlices.unitName("berth", "my.slice"));
        assertThrows(InvalidArgumentException.class, () -> SystemdSlices.unitName("berth", "a/b"));
    }
}
