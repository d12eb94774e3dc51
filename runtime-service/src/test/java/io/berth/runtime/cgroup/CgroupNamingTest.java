package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.common.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupNamingTest {

    private static final CgroupNaming CGROUPFS =
            new CgroupNaming(CgroupDriver.CGROUPFS, CgroupSettings.defaults());
    private static final CgroupNaming SYSTEMD =
            new CgroupNaming(CgroupDriver.SYSTEMD, CgroupSettings.defaults());

    @ParameterizedTest
    @CsvSource({
        "/kubepods/burstable/pod1, /kubepods/burstable/pod1, /kubepods/burstable/pod1/berth-c1",
        "kubepods/besteffort/pod2/, /kubepods/besteffort/pod2, /kubepods/besteffort/pod2/berth-c1",
        "'', /berth/podsb1, /berth/podsb1/berth-c1",
    })
    void cgroupfsPaths(String parent, String podPath, String oci) {
        PodCgroup pod = CGROUPFS.pod(parent, "sb1");
        assertEquals(podPath, pod.path().value());
        assertNull(pod.slice());
        assertFalse(pod.createdByBerth());
        assertEquals(oci, CGROUPFS.ociCgroupsPath(pod, "c1"));
        assertEquals(oci, CGROUPFS.container(pod, "c1").value());
    }

    @ParameterizedTest
    @CsvSource({
        "kubepods-burstable-pod1_2.slice, kubepods-burstable-pod1_2.slice,"
                + " /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1_2.slice",
        "'', berth-podsb1.slice, /berth.slice/berth-podsb1.slice",
        "/kubepods/burstable/pod1, kubepods-burstable-pod1.slice,"
                + " /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice",
        "/kubepods.slice/kubepods-pod3.slice, kubepods-pod3.slice, /kubepods.slice/kubepods-pod3.slice",
    })
    void systemdSlices(String parent, String slice, String podPath) {
        PodCgroup pod = SYSTEMD.pod(parent, "sb1");
        assertEquals(slice, pod.slice());
        assertEquals(podPath, pod.path().value());
        assertEquals(slice + ":berth:c1", SYSTEMD.ociCgroupsPath(pod, "c1"));
        assertEquals(podPath + "/berth-c1.scope", SYSTEMD.container(pod, "c1").value());
    }

    @Test
    void aSliceUnderCgroupfsIsADriverMismatch() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> CGROUPFS.pod("kubepods-pod1.slice", "sb1"));
        assertEquals(true, e.getMessage().contains("kubepods-pod1.slice"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "-.slice", "/a/../b", "relative-no-slice"})
    void badParents(String parent) {
        CgroupNaming naming = parent.endsWith(".slice") || parent.startsWith("rel") ? SYSTEMD : CGROUPFS;
        assertThrows(InvalidArgumentException.class, () -> naming.pod(parent, "sb1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a:b", "../x", "a/b", "-lead"})
    void idsThatCannotNameACgroup(String id) {
        PodCgroup pod = CGROUPFS.pod("/kubepods/pod1", "sb1");
        assertThrows(InvalidArgumentException.class, () -> CGROUPFS.ociCgroupsPath(pod, id));
        assertThrows(InvalidArgumentException.class, () -> SYSTEMD.pod("", id));
    }
}
