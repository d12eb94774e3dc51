package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CpuRateTrackerTest {

    private static final long SEC = 1_000_000_000L;

    @Test
    void rateBetweenSamples() {
        CpuRateTracker t = new CpuRateTracker();
        assertEquals(OptionalLong.empty(), t.update("c1", 0, 10 * SEC), "no rate from one sample");
        assertEquals(OptionalLong.of(SEC / 2), t.update("c1", SEC, 12 * SEC), "1 s of CPU in 2 s: half a core");
        assertEquals(OptionalLong.of(2 * SEC), t.update("c1", 3 * SEC, 13 * SEC), "two cores busy");
        assertEquals(OptionalLong.empty(), t.update("c2", 5 * SEC, 13 * SEC), "ids are independent");
    }

    @Test
    void staleSamplesAndResetCounters() {
        CpuRateTracker t = new CpuRateTracker();
        t.update("c1", SEC, 10 * SEC);
        assertEquals(OptionalLong.empty(), t.update("c1", 2 * SEC, 10 * SEC), "same instant");
        assertEquals(OptionalLong.empty(), t.update("c1", 2 * SEC, 9 * SEC), "older sample ignored");
        assertEquals(OptionalLong.of(SEC), t.update("c1", 2 * SEC, 11 * SEC), "the 10 s sample was kept");
        assertEquals(OptionalLong.empty(), t.update("c1", 0, 12 * SEC), "counter restarted");
        assertEquals(OptionalLong.of(SEC / 10), t.update("c1", SEC / 10, 13 * SEC));
        t.forget("c1");
        assertEquals(OptionalLong.empty(), t.update("c1", SEC, 14 * SEC));
    }
}
