package io.berth.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this host charges for the work every runtime's calls are made of:
 * a first touch of a page, fork + exec, an fdatasync in the work directory,
 * and {@code runc run} of /bin/true. Printed with the table, so a run can be
 * compared with one on another machine (or the same VM on another day) before
 * anyone compares runtimes: the CRI calls of both runtimes are mostly process
 * starts, and on a VM where a page fault costs ~100x the usual they all get
 * several times slower together.
 */
final class HostCalibration {

    private static final String SOURCE = """
            #define _GNU_SOURCE
            #include <fcntl.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/mman.h>
            #include <sys/wait.h>
            #include <time.h>
            #include <unistd.h>

            static double ms(void) {
                struct timespec t;
                clock_gettime(CLOCK_MONOTONIC, &t);
                return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
            }

            int main(int argc, char **argv) {
                if (argc != 2) return 2;
                size_t size = 32u << 20;
                double t0 = ms();
                char *m = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (m == MAP_FAILED) return 1;
                for (size_t o = 0; o < size; o += 4096) m[o] = 1;
                printf("page_fault_us %.3f\\n", (ms() - t0) * 1000 / (size / 4096));
                munmap(m, size);
                int n = 20;
                t0 = ms();
                for (int i = 0; i < n; i++) {
                    pid_t p = fork();
                    if (p == 0) { execl("/bin/true", "true", (char *) 0); _exit(127); }
                    waitpid(p, 0, 0);
                }
                printf("fork_exec_true_ms %.3f\\n", (ms() - t0) / n);
                int fd = open(argv[1], O_CREAT | O_WRONLY | O_TRUNC, 0600);
                if (fd < 0) return 1;
                char block[4096] = {1};
                t0 = ms();
                for (int i = 0; i < n; i++) {
                    if (pwrite(fd, block, sizeof block, (off_t) i * 4096) < 0 || fdatasync(fd) != 0) return 1;
                }
                printf("fdatasync_ms %.3f\\n", (ms() - t0) / n);
                close(fd);
                unlink(argv[1]);
                return 0;
            }
            """;
    private static final int RUNC_RUNS = 10;

    private final Path dir;
    private final Path probe;

    private HostCalibration(Path dir, Path probe) {
        this.dir = dir;
        this.probe = probe;
    }

    /** Compiles the probe and prepares a /bin/true bundle for runc under {@code dir}. */
    static HostCalibration prepare(Path dir, Path runc) throws IOException, InterruptedException {
        Path bin = PauseBinary.compile(SOURCE, dir, "calibrate", "-O2");
        writeBundle(dir.resolve("bundle"), runc);
        return new HostCalibration(dir, bin);
    }

    /** The figures, keyed "calib.*"; a figure that could not be taken says why instead. */
    Map<String, Object> measure(Path runc, String runId) {
        Map<String, Object> m = new LinkedHashMap<>();
        String out = HostCleanup.run(probe.toString(), dir.resolve("fsync.tmp").toString());
        for (String line : out.split("\n")) {
            String[] kv = line.trim().split(" ");
            if (kv.length == 2) {
                m.put("calib." + kv[0], Double.parseDouble(kv[1]));
            }
        }
        m.put("calib.runc_run_true_ms_p50", runcRun(runc, runId));
        return m;
    }

    /** p50 wall time of {@code runc run} of /bin/true (a static busybox), detached from nothing, no terminal. */
    private Object runcRun(Path runc, String runId) {
        List<Double> ms = new ArrayList<>();
        Path bundle = dir.resolve("bundle");
        Path root = dir.resolve("runc-root");
        for (int i = 0; i < RUNC_RUNS; i++) {
            String id = "berthbench-calib-" + runId + "-" + i;
            long t0 = System.nanoTime();
            String out = HostCleanup.run(runc.toString(), "--root", root.toString(), "run", "--bundle",
                    bundle.toString(), id);
            ms.add((System.nanoTime() - t0) / 1e6);
            if (!out.isBlank()) {
                HostCleanup.run(runc.toString(), "--root", root.toString(), "delete", "--force", id);
                return "runc run failed: " + out.lines().findFirst().orElse("");
            }
        }
        ms.sort(Double::compare);
        return Math.round(ms.get(ms.size() / 2) * 100) / 100.0;
    }

    private static void writeBundle(Path bundle, Path runc) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(bundle.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        Files.createSymbolicLink(bin.resolve("true"), Path.of("busybox"));
        String spec = HostCleanup.run(runc.toString(), "spec", "--bundle", bundle.toString());
        if (!spec.isBlank() || !Files.exists(bundle.resolve("config.json"))) {
            throw new IOException("runc spec failed: " + spec);
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(bundle.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        ArrayNode args = process.putArray("args");
        args.add("/bin/true");
        json.writeValue(bundle.resolve("config.json").toFile(), config);
    }
}
