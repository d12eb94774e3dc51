package io.berth.e2e.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's knobs, from {@code key=value} arguments (dev/bench passes
 * them through). {@code quick=true} shrinks every count for a smoke run.
 */
record BenchOptions(List<String> runtimes, List<String> suites, int pods, int containers, int listed, int images,
        int scratch, int warmUp,
        List<Integer> footprintSteps, int bigPulls, int bigMb, int bigLayers, Path repo, Path out, Path forky,
        Path workRoot) {

    static final List<String> SUITES = List.of("images", "pods", "containers", "list", "scratch", "footprint",
            "throughput");

    static final String USAGE = """
            arguments (all optional, key=value):
              runtimes=berthd,containerd-1.6,containerd-2.1   which runtimes, in this order; one listed
                  again runs again as NAME#2 and is compared with berthd#2 (rounds under drifting load)
              suites=images,pods,containers,list,scratch,footprint,throughput   which suites
              pods=100 containers=100 images=20 scratch=50 warmup=3   iterations
              listed=500   created (never started) containers in the pod that ListContainers lists
              footprint=10,50   pod counts at which memory is measured
              pulls=3 big_mb=220 big_layers=12   cold pulls of the big image and its shape
              quick=true   small counts for a smoke run
              out=target/bench   where result.json and the table go
              forky=DIR   where containerd 2.1 was unpacked (dev/bench sets it)
              work=/var/tmp   parent of the run's private directory""";

    static BenchOptions parse(String[] args, Path repo) {
        Map<String, String> m = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not key=value: " + a + "\n" + USAGE);
            }
            m.put(a.substring(0, eq), a.substring(eq + 1));
        }
        boolean quick = Boolean.parseBoolean(m.getOrDefault("quick", "false"));
        List<String> known = List.of("runtimes", "suites", "pods", "containers", "listed", "images", "scratch",
                "warmup", "footprint", "pulls", "big_mb", "big_layers", "quick", "out", "forky", "work");
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown argument " + k + "\n" + USAGE);
            }
        }
        return new BenchOptions(
                Arrays.asList(m.getOrDefault("runtimes", "berthd,containerd-1.6,containerd-2.1").split(",")),
                suites(m.getOrDefault("suites", String.join(",", SUITES))),
                num(m, "pods", quick ? 5 : 100), num(m, "containers", quick ? 5 : 100),
                num(m, "listed", quick ? 20 : 500),
                num(m, "images", quick ? 3 : 20), num(m, "scratch", quick ? 3 : 50), num(m, "warmup", quick ? 1 : 3),
                Arrays.stream(m.getOrDefault("footprint", quick ? "2,4" : "10,50").split(","))
                        .map(Integer::parseInt).toList(),
                num(m, "pulls", quick ? 1 : 3), num(m, "big_mb", quick ? 40 : 220), num(m, "big_layers", 12),
                repo, repo.resolve(m.getOrDefault("out", "target/bench")),
                Path.of(m.getOrDefault("forky", "/var/tmp/berth-bench-containerd-2.1")),
                Path.of(m.getOrDefault("work", "/var/tmp")));
    }

    private static List<String> suites(String list) {
        List<String> chosen = Arrays.asList(list.split(","));
        for (String s : chosen) {
            if (!SUITES.contains(s)) {
                throw new IllegalArgumentException("unknown suite " + s + "\n" + USAGE);
            }
        }
        return chosen;
    }

    private static int num(Map<String, String> m, String key, int dflt) {
        return m.containsKey(key) ? Integer.parseInt(m.get(key)) : dflt;
    }
}
