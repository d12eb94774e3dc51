package io.berth.runtime.container;

import java.time.Instant;

/** CRI timestamps: Unix epoch nanoseconds. */
final class Clock {

    private Clock() {
    }

    static long nowNanos() {
        return nanos(Instant.now());
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
