package io.berth.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one table (latency per operation per runtime with the Berth/runtime
 * ratio of p50s, then the single figures) and the same as JSON.
 */
final class Report {

    private static final String BERTH = "berthd";
    /** Entries of {@link RuntimeResult#missing} that are not latency rows. */
    private static final Set<String> NOT_OPERATIONS = Set.of("footprint", "prepare", "all");

    private Report() {
    }

    static String table(List<RuntimeResult> results, Map<String, Object> host) {
        StringBuilder b = new StringBuilder();
        host.forEach((k, v) -> b.append("host ").append(k).append(": ").append(v).append('\n'));
        b.append('\n');
        b.append(String.format("%-27s %-16s %5s %9s %9s %9s %9s %9s  %s%n", "operation (ms)", "runtime", "n", "min",
                "p50", "p90", "p99", "max", "berth/rt p50"));
        for (String op : operations(results)) {
            for (RuntimeResult r : results) {
                Samples s = r.latencies.get(op);
                if (s == null) {
                    String why = r.missing.getOrDefault(op, "not run");
                    b.append(String.format("%-27s %-16s %s%n", op, r.runtime, why));
                    continue;
                }
                b.append(String.format("%-27s %-16s %5d %9.2f %9.2f %9.2f %9.2f %9.2f  %s%n", op, r.runtime,
                        s.count(), s.min(), s.percentile(50), s.percentile(90), s.percentile(99), s.max(),
                        ratio(results, op, s, r)));
            }
        }
        b.append(String.format("%n%-34s %s%n", "figure", String.join("  ", results.stream()
                .map(r -> String.format("%16s", r.runtime)).toList())));
        for (String f : figures(results)) {
            StringBuilder row = new StringBuilder(String.format("%-34s", f));
            for (RuntimeResult r : results) {
                Double v = r.figures.get(f);
                row.append(String.format("  %16s", v == null ? "n/a" : String.format("%.2f", v)));
            }
            b.append(row).append('\n');
        }
        for (RuntimeResult r : results) {
            r.missing.forEach((what, why) -> {
                if (NOT_OPERATIONS.contains(what)) {
                    b.append(String.format("%s %s: %s%n", r.runtime, what, why));
                }
            });
        }
        for (RuntimeResult r : results) {
            b.append(String.format("%n%s = %s", r.runtime, r.version));
        }
        return b.append('\n').toString();
    }

    /**
     * berthd's p50 over {@code r}'s, both of the same round: with
     * {@code runtimes=berthd,containerd-1.6,berthd,containerd-1.6}, containerd-1.6#2
     * is compared with berthd#2, taken minutes apart rather than a whole run apart.
     * A runtime with more rounds than berthd is compared with berthd's first.
     */
    private static String ratio(List<RuntimeResult> results, String op, Samples other, RuntimeResult r) {
        if (baseName(r.runtime).equals(BERTH)) {
            return "";
        }
        String same = round(r.runtime) == 1 ? BERTH : BERTH + "#" + round(r.runtime);
        Samples berth = results.stream().filter(b -> b.runtime.equals(same)).findFirst()
                .or(() -> results.stream().filter(b -> b.runtime.equals(BERTH)).findFirst())
                .map(b -> b.latencies.get(op)).orElse(null);
        return berth == null ? "" : String.format("%.2f", berth.percentile(50) / other.percentile(50));
    }

    static String baseName(String label) {
        int hash = label.indexOf('#');
        return hash < 0 ? label : label.substring(0, hash);
    }

    static int round(String label) {
        int hash = label.indexOf('#');
        return hash < 0 ? 1 : Integer.parseInt(label.substring(hash + 1));
    }

    /** The operations any runtime measured or missed, in the suites' order, then any others. */
    private static Set<String> operations(List<RuntimeResult> results) {
        Set<String> seen = new LinkedHashSet<>();
        for (RuntimeResult r : results) {
            seen.addAll(r.latencies.keySet());
            r.missing.keySet().stream().filter(k -> !NOT_OPERATIONS.contains(k)).forEach(seen::add);
        }
        List<String> order = new ArrayList<>(RuntimeRun.CLIENT_OPS);
        order.addAll(RuntimeRun.POD_OPS);
        order.addAll(RuntimeRun.CONTAINER_OPS);
        order.addAll(RuntimeRun.LIST_OPS);
        order.addAll(RuntimeRun.IMAGE_OPS);
        order.addAll(RuntimeRun.SCRATCH_OPS);
        order.addAll(RuntimeRun.BIG_PULL_OPS);
        Set<String> ops = new LinkedHashSet<>();
        order.stream().filter(seen::contains).forEach(ops::add);
        ops.addAll(seen);
        return ops;
    }

    private static Set<String> figures(List<RuntimeResult> results) {
        Set<String> f = new LinkedHashSet<>();
        results.forEach(r -> f.addAll(r.figures.keySet()));
        return f;
    }

    static void writeJson(Path file, List<RuntimeResult> results, Map<String, Object> host) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.set("host", json.valueToTree(host));
        ObjectNode runtimes = root.putObject("runtimes");
        for (RuntimeResult r : results) {
            ObjectNode n = runtimes.putObject(r.runtime);
            n.put("version", r.version);
            ObjectNode ops = n.putObject("latency_ms");
            r.latencies.forEach((op, s) -> {
                ObjectNode o = ops.putObject(op);
                o.put("n", s.count());
                o.put("min", s.min());
                o.put("p50", s.percentile(50));
                o.put("p90", s.percentile(90));
                o.put("p99", s.percentile(99));
                o.put("max", s.max());
            });
            n.set("missing", json.valueToTree(r.missing));
            n.set("figures", json.valueToTree(r.figures));
        }
        Files.createDirectories(file.getParent());
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }
}
