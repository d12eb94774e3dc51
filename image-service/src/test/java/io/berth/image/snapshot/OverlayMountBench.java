package io.berth.image.snapshot;

import io.berth.common.os.UserNamespaceHolder;
import io.berth.image.unpack.LayerBuilder;
import io.berth.image.unpack.LayerCompression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-process timing of one rootfs overlay mount, layer by layer through the
 * new mount API against the one-page fallback (a thread that chdirs), on a
 * 3-layer and a 100-layer chain; the two are interleaved so load hits both.
 * Not part of the suite: {@code mvn -pl image-service test -Dtest=OverlayMountBench}.
 */
class OverlayMountBench {

    private static final int ROUNDS = 300;

    @TempDir
    Path tmp;

    private interface Mounter {
        void mount(OverlayMount m, Path target) throws IOException;
    }

    @Test
    void mountTimes() throws IOException {
        for (int layers : new int[] {3, 100}) {
            OverlaySnapshotter s = new OverlaySnapshotter(tmp.resolve("root" + layers));
            for (int i = 1; i <= layers; i++) {
                Path blob = Files.write(tmp.resolve("blob"), LayerBuilder.compress(
                        new LayerBuilder().file("f" + i, "x").tar(), LayerCompression.GZIP));
                s.unpack(OverlaySnapshotterIT.chain(i), i == 1 ? null : OverlaySnapshotterIT.chain(i - 1), blob,
                        OverlaySnapshotterIT.GZIP);
            }
            List<Path> lowers = s.lowerDirs(OverlaySnapshotterIT.chain(layers));
            long[] fsContext = new long[ROUNDS];
            long[] options = new long[ROUNDS];
            long[] idmapped = new long[ROUNDS];
            try (UserNamespaceHolder ns = UserNamespaceHolder.start("0 400000 65536", "0 400000 65536",
                    java.time.Duration.ofSeconds(5))) {
                for (int r = 0; r < ROUNDS; r++) {
                    fsContext[r] = once(s, lowers, r, OverlayMount::mount);
                    options[r] = once(s, lowers, r, OverlayMount::mountByOptions);
                    idmapped[r] = once(s, lowers, r, (m, t) -> m.mountIdmapped(t, ns.path()));
                }
            }
            System.out.printf("overlay mount, %d layers, %d rounds: lowerdir+ p50 %.3f ms mean %.3f | "
                    + "options+thread p50 %.3f ms mean %.3f | idmapped lowerdir+ p50 %.3f ms mean %.3f%n", layers,
                    ROUNDS, p50(fsContext), mean(fsContext), p50(options), mean(options), p50(idmapped),
                    mean(idmapped));
        }
    }

    private long once(OverlaySnapshotter s, List<Path> lowers, int r, Mounter how) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("c" + r + "-" + System.nanoTime()));
        Path target = Files.createDirectory(dir.resolve("rootfs"));
        OverlayMount m = new OverlayMount(s.snapshotsDir(), lowers, Files.createDirectory(dir.resolve("upper")),
                Files.createDirectory(dir.resolve("work")));
        long t0 = System.nanoTime();
        how.mount(m, target);
        long t = System.nanoTime() - t0;
        OverlayMount.unmount(target);
        return t;
    }

    private static double p50(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2] / 1e6;
    }

    private static double mean(long[] v) {
        return Arrays.stream(v).average().orElse(0) / 1e6;
    }
}
