package io.berth.cni.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class InterfaceCountersTest {

    private static final String DEV = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:     140       2    0    0    0     0          0         0      140       2    0    0    0     0       0          0
              eth0:  123456     100    3    0    0     0          0         0    65432      90    1    0    0     0       0          0
            """;

    @Test
    void readsBytesAndErrorsOfOneInterface() {
        assertEquals(new InterfaceCounters("eth0", 123456, 3, 65432, 1), InterfaceCounters.parse(DEV, "eth0"));
        assertEquals(140, InterfaceCounters.parse(DEV, "lo").txBytes());
        assertThrows(IllegalArgumentException.class, () -> InterfaceCounters.parse(DEV, "eth1"));
    }
}
