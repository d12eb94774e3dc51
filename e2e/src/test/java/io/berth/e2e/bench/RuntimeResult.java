package io.berth.e2e.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything measured for one runtime: latency samples per operation, the
 * reason an operation has no figures (UNIMPLEMENTED, an error), and single
 * figures such as throughput and footprint.
 */
final class RuntimeResult {

    final String runtime;
    final String version;
    final Map<String, Samples> latencies = new LinkedHashMap<>();
    final Map<String, String> missing = new LinkedHashMap<>();
    final Map<String, Double> figures = new LinkedHashMap<>();

    RuntimeResult(String runtime, String version) {
        this.runtime = runtime;
        this.version = version;
    }

    Samples samples(String op) {
        return latencies.computeIfAbsent(op, k -> new Samples());
    }

    /** Records why {@code op} has no figures, keeping the first reason. */
    void markMissing(String op, String reason) {
        missing.putIfAbsent(op, reason);
    }

    void figure(String name, double value) {
        figures.put(name, value);
    }
}
