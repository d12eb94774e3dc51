package io.berth.image.unpack;

import com.github.luben.zstd.ZstdOutputStream;
import com.sun.management.OperatingSystemMXBean;
import io.berth.common.fs.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Unpack throughput in MB/s of uncompressed tar, for a generated layer of
 * mixed content (see image-service/README.md, "Unpacker"). A benchmark, not a
 * test: run it by hand as root.
 *
 * <p>Arguments: work directory (default /tmp/berth-unpack-bench), layer size
 * in MB (default 200), rounds (default 3). Blobs are generated once and kept
 * in the work directory.
 */
public final class UnpackBenchmark {

    // The machine is shared: wall time depends on the neighbours, the process's CPU time
    // (user + system, decompression thread included) much less.
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private UnpackBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args.length > 0 ? args[0] : "/tmp/berth-unpack-bench");
        long megabytes = args.length > 1 ? Long.parseLong(args[1]) : 200;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Files.createDirectories(work);
        System.out.printf("load average %.1f on %d cpus%n", OS.getSystemLoadAverage(), OS.getAvailableProcessors());
        for (LayerCompression c : LayerCompression.values()) {
            Path blob = work.resolve("layer-" + megabytes + "mb." + c.name().toLowerCase());
            if (!Files.exists(blob)) {
                generate(blob, megabytes << 20, c);
            }
            for (int r = 1; r <= rounds; r++) {
                Path dir = work.resolve("out");
                AtomicFiles.deleteTree(dir);
                Files.createDirectory(dir);
                long t0 = System.nanoTime();
                long cpu0 = OS.getProcessCpuTime();
                LayerUnpacker.Result res = new LayerUnpacker().unpack(blob, LayerBuilder.mediaType(c), dir);
                double s = (System.nanoTime() - t0) / 1e9;
                double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
                System.out.printf("%-4s round %d: %d MB tar, %d entries, %.2f s wall (%.0f MB/s), "
                        + "%.2f s cpu (%.0f MB/s per cpu-second), blob %d MB%n",
                        c, r, res.tarBytes() >> 20, res.entries(), s, res.tarBytes() / 1e6 / s,
                        cpu, res.tarBytes() / 1e6 / cpu, Files.size(blob) >> 20);
            }
            System.out.printf("%-4s decompress+sha256 only: %.0f MB/s wall%n", c, readOnly(blob, c));
        }
        AtomicFiles.deleteTree(work.resolve("out"));
    }

    private static double readOnly(Path blob, LayerCompression c) throws IOException {
        long t0 = System.nanoTime();
        long n = 0;
        try (InputStream in = new DigestingInputStream(c.decompress(Files.newInputStream(blob)))) {
            byte[] buf = new byte[256 * 1024];
            for (int r; (r = in.read(buf)) > 0; ) {
                n += r;
            }
        }
        return n / 1e6 / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Roughly what a distro or language-runtime layer holds: thousands of
     * small files, some large ones, directories, symlinks and hardlinks, with
     * content that compresses about as well as binaries (2-3x).
     */
    static void generate(Path blob, long bytes, LayerCompression c) throws IOException {
        Random rnd = new Random(42);
        byte[] words = new byte[8 << 20];
        for (int i = 0; i < words.length; i++) {
            words[i] = (byte) (rnd.nextInt(12) == 0 ? rnd.nextInt(256) : 'a' + rnd.nextInt(12));
        }
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(blob), 1 << 20);
             OutputStream z = switch (c) {
                 case NONE -> raw;
                 case GZIP -> new GZIPOutputStream(raw, 1 << 16);
                 case ZSTD -> new ZstdOutputStream(raw);
             };
             TarArchiveOutputStream tar = new TarArchiveOutputStream(z)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            long written = 0;
            for (int i = 0; written < bytes; i++) {
                String d = "usr/lib/pkg" + (i / 50) + "/";
                if (i % 50 == 0) {
                    put(tar, LayerBuilder.entry(d, TarConstants.LF_DIR, 0755), null, 0);
                }
                // One file in 200 is large (1-4 MB); the rest are 0.5-16 KB.
                int size = i % 200 == 0 ? (1 << 20) + rnd.nextInt(3 << 20) : 512 + rnd.nextInt(16 << 10);
                String f = d + "file" + i + ".so";
                put(tar, LayerBuilder.entry(f, TarConstants.LF_NORMAL, i % 3 == 0 ? 0755 : 0644), words, size);
                written += size;
                if (i % 20 == 0) {
                    TarArchiveEntry l = LayerBuilder.entry(d + "link" + i, TarConstants.LF_SYMLINK, 0777);
                    l.setLinkName("file" + i + ".so");
                    put(tar, l, null, 0);
                    TarArchiveEntry h = LayerBuilder.entry(d + "hard" + i, TarConstants.LF_LINK, 0644);
                    h.setLinkName(f);
                    put(tar, h, null, 0);
                }
            }
        }
    }

    private static void put(TarArchiveOutputStream tar, TarArchiveEntry e, byte[] words, int size)
            throws IOException {
        e.setSize(size);
        tar.putArchiveEntry(e);
        if (size > 0) {
            int off = (int) (Math.abs((long) e.getName().hashCode()) % (words.length - size));
            tar.write(words, off, size);
        }
        tar.closeArchiveEntry();
    }
}
