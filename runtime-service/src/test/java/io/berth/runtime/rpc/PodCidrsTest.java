package io.berth.runtime.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PodCidrsTest {

    @Test
    void keepsDualStackInOrderAndClearsOnEmpty() {
        PodCidrs cidrs = new PodCidrs();
        cidrs.update("10.244.1.0/24, fd00:10:244:1::/64");
        assertEquals(List.of("10.244.1.0/24", "fd00:10:244:1::/64"), cidrs.current());
        cidrs.update("");
        assertEquals(List.of(), cidrs.current());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "fd00::/129", "example.com/24", "10.0.0.0/x",
        "/24", "10.0.0.0/24,"})
    void rejectsWhatIsNotACidrAndKeepsTheOldValue(String bad) {
        PodCidrs cidrs = new PodCidrs();
        cidrs.update("10.1.0.0/16");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> cidrs.update(bad));
        assertTrue(e.getMessage().contains("pod CIDR"), e.getMessage());
        assertEquals(List.of("10.1.0.0/16"), cidrs.current());
    }
}
