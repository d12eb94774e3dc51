package io.berth.image.pull;

import io.berth.common.fs.AtomicFiles;
import io.berth.image.config.ImageConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.store.ImageRecord;
import io.berth.image.testing.RegistryPusher;
import io.berth.image.testing.RegistryServer;
import io.berth.image.testing.TarBuilder;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImage.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Pull benchmark (a program, not a test): pushes a gzip image of N layers
 * to a docker-registry on loopback, then pulls and unpacks it into fresh
 * roots and prints MB/s. Run it with image-service/bench/pull-bench.sh, as
 * root (the snapshotter creates device nodes and sets owners).
 *
 * <p>Arguments: {@code [layers=10] [mbPerLayer=22] [runs=3] [dropCaches=true] [filesPerLayer=100]
 * [randomOnly=false] [parallelDownloads=default]}. Layer content is half random and half repetitive text, so gzip has work
 * to do in both directions; with randomOnly it is all random, like dev/bench's big image
 * ({@code 12 19 5 false 2 true} comes close to that image: 230 MB in 12 layers of 2 files).
 */
public final class PullBenchmark {

    private PullBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int mbPerLayer = args.length > 1 ? Integer.parseInt(args[1]) : 22;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean dropCaches = args.length <= 3 || Boolean.parseBoolean(args[3]);
        int files = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        boolean randomOnly = args.length > 5 && Boolean.parseBoolean(args[5]);
        int parallel = args.length > 6 ? Integer.parseInt(args[6]) : 0; // 0: the default
        RegistryConfig registryConfig = new RegistryConfig(Map.of(), List.of(), null, parallel);
        Path work = Files.createTempDirectory("berth-pull-bench-");
        try (RegistryServer registry = RegistryServer.start(work.resolve("registry"))) {
            TestImage image = build(layers, mbPerLayer, files, randomOnly);
            long compressed = image.layers().stream().mapToLong(l -> l.blob().bytes().length).sum();
            long start = System.nanoTime();
            new RegistryPusher(registry.uri(), null, null).push("bench/big", "v1", image);
            System.out.printf("image: %d layers, %.1f MB compressed (gzip); push took %.1f s%n", layers,
                    compressed / 1e6, (System.nanoTime() - start) / 1e9);
            String ref = registry.hostPort() + "/bench/big:v1";
            for (int run = 1; run <= runs; run++) {
                Path root = work.resolve("root-" + run);
                if (dropCaches) {
                    dropCaches();
                }
                try (Stack s = Stack.real(root, registryConfig, ImageConfig.defaults())) {
                    long t0 = System.nanoTime();
                    long cpu0 = processCpuNanos();
                    long faults0 = minorFaults();
                    ImageRecord r = s.pull(ref);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    // CPU seconds per pull hold still on a busy machine where wall time does not.
                    double cpu = (processCpuNanos() - cpu0) / 1e9;
                    // Each first touch of a page costs ~30 us on the VMs we measure on.
                    long faults = minorFaults() - faults0;
                    System.out.printf("run %d: pulled and unpacked %s in %.2f s: %.1f MB/s (compressed bytes)%s;"
                            + " %.2f CPU s, %.0f MB per CPU s, %d page faults%n", run, r.id().substring(0, 19), secs,
                            compressed / 1e6 / secs, dropCaches ? ", cold page cache" : "", cpu, compressed / 1e6 / cpu,
                            faults);
                }
                AtomicFiles.deleteTree(root);
            }
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long minorFaults() throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        // Field 10 (minflt), counted after the ")" that ends the command name.
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    }

    private static TestImage build(int layers, int mbPerLayer, int files, boolean randomOnly) {
        TestImage.Builder b = TestImage.builder();
        Random random = new Random(42);
        int fileSize = mbPerLayer * 1_000_000 / files;
        for (int l = 0; l < layers; l++) {
            TarBuilder tar = new TarBuilder().dir("data" + l);
            for (int f = 0; f < files; f++) {
                byte[] data = new byte[fileSize];
                random.nextBytes(data);
                byte[] text = ("layer " + l + " file " + f + " of the Berth pull benchmark\n").getBytes();
                for (int i = randomOnly ? fileSize : fileSize / 2; i < fileSize; i++) {
                    data[i] = text[i % text.length];
                }
                tar.file("data" + l + "/f" + f, data, TarBuilder.Meta.of(0644));
            }
            b.layer(tar.build(), Compression.GZIP);
        }
        return b.build();
    }

    // Cold caches make the numbers about disk and CPU, not about what the
    // previous run left in memory. Needs root; drops clean pages only.
    private static void dropCaches() throws Exception {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
    }
}
