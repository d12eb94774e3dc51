package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupLayoutTest {

    @TempDir
    Path tmp;

    private Path noMounts() {
        return tmp.resolve("no-mountinfo");
    }

    @Test
    void legacyFromDirectories() {
        Path root = FakeTrees.v1(tmp.resolve("cg"), false);
        CgroupLayout layout = CgroupLayout.detect(root, noMounts());
        assertEquals(CgroupMode.LEGACY, layout.mode());
        assertNull(layout.unified());
        assertEquals(root.resolve("memory"), layout.controllers().get("memory"));
        assertEquals(root.resolve("systemd"), layout.controllers().get(CgroupLayout.NAMED_SYSTEMD));
        assertEquals(9, layout.hierarchies().size(), "8 controllers and name=systemd");
        assertEquals(root.resolve("pids/a/b"), layout.dir("pids", CgroupPath.parse("/a/b")));
        assertNull(layout.dir("hugetlb", CgroupPath.parse("/a")));
    }

    @Test
    void hybridFromDirectories() {
        Path root = FakeTrees.v1(tmp.resolve("cg"), true);
        CgroupLayout layout = CgroupLayout.detect(root, noMounts());
        assertEquals(CgroupMode.HYBRID, layout.mode());
        assertEquals(root.resolve("unified"), layout.unified());
        assertEquals(root.resolve("unified"), layout.hierarchies().getLast(), "unified comes last");
        assertEquals(10, layout.hierarchies().size());
    }

    @Test
    void unifiedFromDirectories() {
        Path root = FakeTrees.v2(tmp.resolve("cg"));
        CgroupLayout layout = CgroupLayout.detect(root, noMounts());
        assertEquals(CgroupMode.UNIFIED, layout.mode());
        assertEquals(List.of(root), layout.hierarchies());
        assertTrue(layout.has("memory"));
    }

    @Test
    void coMountedControllersShareOneHierarchy() throws IOException {
        Path root = FakeTrees.v1CoMounted(tmp.resolve("cg"));
        CgroupLayout layout = CgroupLayout.detect(root, noMounts());
        Path real = root.resolve("cpu,cpuacct").toRealPath();
        assertEquals(real, layout.controllers().get("cpu"));
        assertEquals(real, layout.controllers().get("cpuacct"));
        assertEquals(2, layout.hierarchies().size(), "cpu,cpuacct once, and memory");
    }

    /** This machine's /proc/self/mountinfo lines, plus a cgroup mount elsewhere that must be ignored. */
    @Test
    void mountinfoWinsOverDirectoryNames() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("sys/fs/cgroup"));
        Path mountinfo = tmp.resolve("mountinfo");
        String r = root.toString();
        Files.writeString(mountinfo, String.join("\n",
                "30 22 0:27 / " + r + " rw,relatime - tmpfs tmpfs rw,mode=755",
                "31 30 0:28 / " + r + "/cpu rw,relatime - cgroup cgroup rw,cpu",
                "32 30 0:29 / " + r + "/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
                "34 30 0:31 / " + r + "/memory rw,relatime - cgroup cgroup rw,memory",
                "35 30 0:32 / " + r + "/net rw,nosuid shared:9 - cgroup cgroup rw,net_cls,net_prio",
                "39 30 0:36 / " + r + "/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd",
                "40 30 0:37 / " + r + "/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate",
                "41 22 0:38 / /elsewhere/memory rw - cgroup cgroup rw,memory",
                ""));
        CgroupLayout layout = CgroupLayout.detect(root, mountinfo);
        assertEquals(CgroupMode.HYBRID, layout.mode());
        assertEquals(root.resolve("memory"), layout.controllers().get("memory"));
        assertEquals(root.resolve("net"), layout.controllers().get("net_prio"));
        assertEquals(root.resolve("systemd"), layout.controllers().get("name=systemd"));
        assertEquals(root.resolve("unified"), layout.unified());
        assertTrue(!layout.controllers().containsKey("xattr"));
        assertTrue(!layout.hierarchies().contains(root.resolve("net")), "net_cls is not one we use");
    }

    @Test
    void unifiedFromMountinfo() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("cg2"));
        Path mountinfo = tmp.resolve("mountinfo");
        Files.writeString(mountinfo, "25 22 0:23 / " + root + " rw - cgroup2 cgroup2 rw,nsdelegate\n");
        assertEquals(CgroupMode.UNIFIED, CgroupLayout.detect(root, mountinfo).mode());
    }

    @Test
    void mountPointsWithEscapedSpaces() {
        MountInfo.CgroupMount m = MountInfo.parse("1 2 0:3 / /a\\040b/memory rw - cgroup cgroup rw,memory");
        assertEquals(Path.of("/a b/memory"), m.mountPoint());
        assertEquals(List.of("memory"), m.controllers());
        assertNull(MountInfo.parse("garbage"));
    }

    @Test
    void nothingMountedIsAnError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThrows(FailedPreconditionException.class, () -> CgroupLayout.detect(empty, noMounts()));
    }
}
