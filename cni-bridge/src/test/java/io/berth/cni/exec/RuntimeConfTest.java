package io.berth.cni.exec;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.common.error.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuntimeConfTest {

    @ParameterizedTest
    @CsvSource({"'-abc',eth0", "'a b',eth0", "abc,''", "abc,'.'", "abc,'..'", "abc,'eth/0'", "abc,'eth:0'",
        "abc,'a234567890123456'", "abc,'e th0'"})
    void rejectsWhatTheSpecForbids(String id, String ifName) {
        assertThrows(InvalidArgumentException.class, () -> new RuntimeConf(id, "", ifName, List.of(), Map.of()));
    }
}
