package io.berth.image.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.berth.common.os.Libc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Archives written by a real producer (GNU tar, in both its own format and
 * POSIX pax, the one Go's archive/tar and so docker write) unpack to the tree
 * they were made from.
 */
class GnuTarInteropIT {

    private static final String LONG = "deep/" + "n".repeat(120) + "/" + "m".repeat(110);

    @TempDir
    Path tmp;

    private Path source() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src").resolve(LONG));
        Path root = tmp.resolve("src");
        Files.writeString(src.resolve("file"), "long path");
        Path suid = Files.writeString(root.resolve("suid"), "x");
        Libc.lchown(suid.toString(), 3_000_000, 42); // beyond 7 octal digits: base-256 or pax
        Libc.chmod(suid.toString(), 04755);
        Files.createLink(root.resolve("hard"), suid);
        Files.createSymbolicLink(root.resolve("sym"), Path.of("suid"));
        Libc.mknod(root.resolve("null").toString(), Libc.S_IFCHR | 0666, Libc.makedev(1, 3));
        Libc.lsetxattr(root.resolve("suid").toString(), "user.origin", "gnu-tar".getBytes(StandardCharsets.UTF_8));
        Libc.lutimes(root.resolve("sym").toString(), 1_234_000_000_000_000_000L, 1_234_000_000_500_000_000L);
        return root;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "posix"})
    void unpacksWhatGnuTarWrote(String format) throws Exception {
        Path src = source();
        Path blob = tmp.resolve("layer.tar");
        boolean posix = format.equals("posix");
        // With --xattrs GNU tar adds pax headers even to its own format; leave them out there.
        List<String> cmd = new ArrayList<>(List.of("tar", "--format=" + format, "--numeric-owner"));
        if (posix) {
            cmd.addAll(List.of("--xattrs", "--xattrs-include=user.*"));
        }
        cmd.addAll(List.of("-C", src.toString(), "-cf", blob.toString(), "."));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Path fs = Files.createDirectory(tmp.resolve("fs"));
        new LayerUnpacker().unpack(blob, LayerBuilder.mediaType(LayerCompression.NONE), fs);

        assertEquals("long path", Files.readString(fs.resolve(LONG).resolve("file")));
        Map<String, Object> suid = LayerUnpackerIT.lstat(fs.resolve("suid"));
        assertEquals(Integer.toOctalString(0104755), Integer.toOctalString((Integer) suid.get("mode")));
        assertEquals(3_000_000, suid.get("uid"));
        assertEquals(42, suid.get("gid"));
        assertEquals(suid.get("ino"), LayerUnpackerIT.lstat(fs.resolve("hard")).get("ino"));
        assertEquals("suid", Files.readSymbolicLink(fs.resolve("sym")).toString());
        // Only pax keeps sub-second times; the GNU header has whole seconds.
        assertEquals(FileTime.from(posix ? 1_234_000_000_500L : 1_234_000_000_000L, TimeUnit.MILLISECONDS),
                LayerUnpackerIT.lstat(fs.resolve("sym")).get("lastModifiedTime"));
        assertEquals(Libc.makedev(1, 3), LayerUnpackerIT.lstat(fs.resolve("null")).get("rdev"));
        if (posix) {
            assertArrayEquals("gnu-tar".getBytes(StandardCharsets.UTF_8),
                    Libc.lgetxattr(fs.resolve("suid").toString(), "user.origin"));
        }
    }
}
