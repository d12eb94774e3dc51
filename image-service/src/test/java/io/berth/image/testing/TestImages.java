package io.berth.image.testing;

import io.berth.image.testing.TarBuilder.Meta;
import io.berth.image.testing.TestImage.Compression;
import io.berth.image.testing.TestImage.Format;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Ready-made test images from Debian's {@code busybox-static} ({@code /bin/busybox}):
 * a base layer with busybox, a hardlink and applet symlinks, a layer with a
 * setuid file and a whiteout, and a layer with an opaque directory.
 */
public final class TestImages {

    public static final Path BUSYBOX = Path.of("/bin/busybox");

    private TestImages() {
    }

    public static byte[] busybox() {
        try {
            return Files.readAllBytes(BUSYBOX);
        } catch (IOException e) {
            throw new UncheckedIOException("install busybox-static for " + BUSYBOX, e);
        }
    }

    /** bin/busybox with a hardlink and sh, ls, cat symlinks; etc with passwd and a file the next layer deletes. */
    public static byte[] baseLayer() {
        return new TarBuilder().dir("bin").file("bin/busybox", busybox(), Meta.of(0755))
                .hardlink("bin/busybox-hard", "bin/busybox")
                .symlink("bin/sh", "busybox").symlink("bin/ls", "busybox").symlink("bin/cat", "busybox")
                .dir("etc").file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n")
                .file("etc/obsolete", "deleted by layer 2\n")
                .dir("data").file("data/old.txt", "hidden by the opaque dir in layer 3\n")
                .build();
    }

    /** A setuid file and a whiteout of etc/obsolete. */
    public static byte[] middleLayer() {
        return new TarBuilder().dir("bin")
                .file("bin/suid", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), Meta.of(04755))
                .dir("etc").whiteout("etc/obsolete").file("etc/hostname", "berth-test\n")
                .build();
    }

    /** data/ made opaque and refilled. */
    public static byte[] topLayer() {
        return new TarBuilder().dir("data").opaque("data").file("data/new.txt", "layer 3\n").build();
    }

    /** The three-layer busybox image; OCI images get a zstd top layer. */
    public static TestImage threeLayers(Format format) {
        return THREE_LAYERS.computeIfAbsent(format, TestImages::buildThreeLayers);
    }

    // Built once per format: deterministic, and gzip of busybox costs seconds on a busy machine.
    private static final java.util.Map<Format, TestImage> THREE_LAYERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static TestImage buildThreeLayers(Format format) {
        return TestImage.builder().format(format)
                .layer(baseLayer(), Compression.GZIP)
                .layer(middleLayer(), format == Format.OCI ? Compression.NONE : Compression.GZIP)
                .layer(topLayer(), format == Format.OCI ? Compression.ZSTD : Compression.GZIP)
                .build();
    }

    /** A single-layer image for another platform, so indexes have something to choose from. */
    public static TestImage forPlatform(Format format, String arch, String variant) {
        return TestImage.builder().format(format).platform("linux", arch, variant)
                .layer(new TarBuilder().dir("etc").file("etc/arch", arch + "\n").build(), Compression.GZIP)
                .build();
    }

    /** {@code n} tiny layers, each adding one file. */
    public static TestImage manyLayers(int n) {
        TestImage.Builder b = TestImage.builder().format(Format.OCI);
        for (int i = 0; i < n; i++) {
            b.layer(new TarBuilder().dir("layers").file("layers/" + i, "layer " + i + "\n").build(), Compression.GZIP);
        }
        return b.build();
    }

    /** One layer of {@code bytes} random (incompressible) data, for size and speed tests. */
    public static byte[] randomLayer(long seed, int bytes) {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return new TarBuilder().dir("blob").file("blob/" + seed + ".bin", data, Meta.of(0644)).build();
    }
}
