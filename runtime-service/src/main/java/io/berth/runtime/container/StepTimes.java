package io.berth.runtime.container;

import org.slf4j.Logger;

/**
 * Where the time of one call went, step by step, as one debug line such as
 * {@code create 4f2a…: image 0.05 record 0.61 mount 2.90 … total 5.12 ms}: the
 * numbers issue #6 holds calls to are a few milliseconds, and a profiler's
 * sampling cannot split those between syscalls, JIT and waiting. Costs two
 * clock reads per step when debug is off.
 */
final class StepTimes {

    private final Logger log;
    private final String what;
    private final long start = System.nanoTime();
    private final StringBuilder steps;
    private long last = start;

    StepTimes(Logger log, String what) {
        this.log = log;
        this.what = what;
        this.steps = log.isDebugEnabled() ? new StringBuilder() : null;
    }

    /** Ends the step called {@code name}, which began at the previous mark. */
    void mark(String name) {
        if (steps == null) {
            return;
        }
        long now = System.nanoTime();
        steps.append(' ').append(name).append(' ').append(millis(now - last));
        last = now;
    }

    /** Logs the line, with the total since this object was made. */
    void done() {
        if (steps != null) {
            log.debug("{}:{} total {} ms", what, steps, millis(System.nanoTime() - start));
        }
    }

    private static String millis(long nanos) {
        long hundredths = nanos / 10_000;
        return hundredths / 100 + "." + (hundredths % 100 < 10 ? "0" : "") + hundredths % 100;
    }
}
