package io.berth.e2e.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Latencies of one operation in milliseconds, with nearest-rank percentiles. */
final class Samples {

    private final List<Double> ms = new ArrayList<>();

    void add(long nanos) {
        ms.add(nanos / 1e6);
    }

    int count() {
        return ms.size();
    }

    /** The p-th percentile (0..100) by nearest rank; NaN when empty. */
    double percentile(double p) {
        if (ms.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double min() {
        return percentile(0);
    }

    double max() {
        return percentile(100);
    }
}
