package io.berth.e2e.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The benchmark, side by side: berthd and containerd driven through the same
 * CRI client, one runtime at a time, against one loopback registry. Not a
 * test: it measures and prints (dev/bench runs it; see README "Benchmarks").
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("berth.repo", ".")).toAbsolutePath().normalize();
        BenchOptions o;
        try {
            o = BenchOptions.parse(args, repo);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        Path work = Files.createDirectories(o.workRoot().resolve("berth-bench-" + runId));
        Map<String, Object> host = hostInfo();
        List<RuntimeResult> results = new ArrayList<>();
        // Registered first, so an interrupted run removes the directory last.
        AutoCloseable removeWork = () -> HostCleanup.run("rm", "-rf", "--one-file-system", work.toString());
        Cleanups.register(removeWork);
        try (BenchRig rig = BenchRig.start(o, runId, work)) {
            HostCalibration calibration = HostCalibration.prepare(work.resolve("calibration"), BenchRig.RUNC);
            host.put("calibration_start", calibration.measure(BenchRig.RUNC, runId + "s"));
            Map<String, Integer> rounds = new HashMap<>();
            for (int i = 0; i < o.runtimes().size(); i++) {
                String name = o.runtimes().get(i);
                int round = rounds.merge(name, 1, Integer::sum);
                results.add(rig.measure(name, round == 1 ? name : name + "#" + round, i));
            }
            host.put("calibration_end", calibration.measure(BenchRig.RUNC, runId + "e"));
        } finally {
            host.put("loadavg_end", Files.readString(Path.of("/proc/loadavg")).trim());
            host.put("finished", Instant.now().toString());
            Cleanups.unregister(removeWork);
            removeWork.close();
        }
        String table = Report.table(results, host);
        System.out.println(table);
        Files.createDirectories(o.out());
        Files.writeString(o.out().resolve("result.txt"), table);
        Report.writeJson(o.out().resolve("result.json"), results, host);
        System.err.println("bench: wrote " + o.out().resolve("result.json"));
    }

    private static Map<String, Object> hostInfo() throws Exception {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("started", Instant.now().toString());
        h.put("cores", Runtime.getRuntime().availableProcessors());
        h.put("kernel", HostCleanup.run("uname", "-r").trim());
        h.put("runc", HostCleanup.run(BenchRig.RUNC.toString(), "--version").split("\n")[0]);
        h.put("loadavg_start", Files.readString(Path.of("/proc/loadavg")).trim());
        return h;
    }
}
