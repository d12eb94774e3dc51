package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.common.error.InvalidArgumentException;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CgroupConversionsTest {

    @ParameterizedTest
    @CsvSource({"0, 0", "1, 1", "2, 1", "102, 4", "1024, 39", "262144, 10000", "999999, 10000"})
    void sharesToWeight(long shares, long weight) {
        assertEquals(weight, CgroupConversions.sharesToWeight(shares));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "0, 0, null",
        "50000, 100000, 50000 100000",
        "50000, 0, 50000 100000",
        "-1, 100000, max 100000",
        "0, 25000, max 25000",
        "-1, 0, max 100000",
    })
    void cpuMax(long quota, long period, String expected) {
        assertEquals(expected, CgroupConversions.cpuMax(quota, period));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "0, 0, null",
        "0, 1000, null",
        "0, -1, -1",
        "-1, 1000, -1",
        "-1, -1, -1",
        "1000, 1000, 0",
        "3000, 1000, 2000",
    })
    void swapMax(long memsw, long memory, Long expected) {
        OptionalLong actual = CgroupConversions.swapMax(memsw, memory);
        assertEquals(expected == null ? OptionalLong.empty() : OptionalLong.of(expected), actual);
    }

    @ParameterizedTest
    @CsvSource({"500, 1000", "2000, 0", "2000, -1"})
    void swapMaxRefusesWhatV2CannotExpress(long memsw, long memory) {
        assertThrows(InvalidArgumentException.class, () -> CgroupConversions.swapMax(memsw, memory));
    }
}
