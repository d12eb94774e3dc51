package io.berth.common.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibcTest {

    @TempDir
    Path dir;

    @Test
    void makedevMatchesGlibcEncoding() {
        assertEquals(0x0103L, Libc.makedev(1, 3));
        assertEquals(0L, Libc.makedev(0, 0));
        // major 259, minor 65536 as glibc's gnu_dev_makedev computes it
        assertEquals((259L << 8) | (65536L & 0xffL) | ((65536L & 0xffffff00L) << 12), Libc.makedev(259, 65536));
    }

    @Test
    void failedCallCarriesErrno() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Libc.open(dir.resolve("missing").toString(), Libc.O_RDONLY));
        assertEquals(ErrnoException.ENOENT, e.errno());
    }

    @Test
    void chmodSetsSpecialBits() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        Libc.chmod(f.toString(), 04755);
        int mode = (Integer) Files.getAttribute(f, "unix:mode");
        assertEquals(04755, mode & 07777);
    }

    @Test
    void lutimesSetsMtimeOfTheLinkItself() throws Exception {
        Path target = Files.writeString(dir.resolve("t"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("l"), target);
        FileTime before = Files.getLastModifiedTime(target);
        Libc.lutimes(link.toString(), 1_000_000_000L, 1_500_000_000L);
        FileTime linkTime = Files.getLastModifiedTime(link, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        assertEquals(1_500_000_000L, linkTime.to(java.util.concurrent.TimeUnit.NANOSECONDS));
        assertEquals(before, Files.getLastModifiedTime(target));
    }

    @Test
    void missingXattrIsNull() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        assertNull(Libc.lgetxattr(f.toString(), "user.berth.none"));
    }
}
