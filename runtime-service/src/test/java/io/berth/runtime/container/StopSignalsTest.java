package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.Signal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StopSignalsTest {

    @ParameterizedTest
    @CsvSource({
        "RUNTIME_DEFAULT, '', 15",
        "RUNTIME_DEFAULT, SIGQUIT, 3",
        "RUNTIME_DEFAULT, quit, 3",
        "RUNTIME_DEFAULT, 2, 2",
        "RUNTIME_DEFAULT, SIGRTMIN+3, 37",
        "SIGUSR1, SIGQUIT, 10",
        "SIGKILL, '', 9",
        "SIGRTMINPLUS1, '', 35",
        "SIGRTMAXMINUS1, '', 63",
        "SIGRTMAX, '', 64",
        "SIGWINCH, '', 28",
    })
    void configThenImageThenSigterm(Signal configured, String image, int expected) {
        assertEquals(expected, StopSignals.resolve(configured, image));
    }

    @ParameterizedTest
    @CsvSource({"SIGNOPE", "0", "65", "RTMIN+x"})
    void badImageSignalsAreInvalidArgumentNamingThem(String text) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> StopSignals.resolve(Signal.RUNTIME_DEFAULT, text));
        assertEquals(true, e.getMessage().contains(text));
    }
}
