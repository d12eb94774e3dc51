package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OomScoreAdjTest {

    @ParameterizedTest
    @CsvSource({
        // canLower, current, requested, expected
        "true, 0, -997, -997",
        "true, 0, -2000, -1000",
        "true, 0, 1500, 1000",
        "false, 0, -997, 0",
        "false, 0, 1000, 1000",
        "false, 0, 5, 5",
        "false, -500, -997, -500",
        "false, -500, -100, -100",
        "false, 200, 100, 200",
    })
    void clamps(boolean canLower, int current, int requested, int expected) {
        assertEquals(expected, new OomScoreAdj(canLower, current).clamp(requested));
    }

    @Test
    void floor() {
        assertEquals(-1000, new OomScoreAdj(true, 0).floor());
        assertEquals(300, new OomScoreAdj(false, 300).floor());
    }

    @Test
    void capEffBit24() {
        // This machine's root: every capability but CAP_SYS_RESOURCE.
        assertFalse(OomScoreAdj.hasCapability("Name:\tx\nCapEff:\t000001fffeffffff\n", 24));
        assertTrue(OomScoreAdj.hasCapability("CapPrm:\t0\nCapEff:\t000001ffffffffff\n", 24));
        assertFalse(OomScoreAdj.hasCapability("no caps here", 24));
    }
}
