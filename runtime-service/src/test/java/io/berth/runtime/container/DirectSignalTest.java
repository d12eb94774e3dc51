package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DirectSignalTest {

    @Test
    void signalStateNamesTheStateAndEveryMaskOfALiveProcess() {
        String s = DirectSignal.signalState(new Container.ProcessInfo(ProcessHandle.current().pid(), 1, 0));
        for (String field : new String[] {"State:", "SigPnd:", "SigBlk:", "SigIgn:", "SigCgt:"}) {
            assertTrue(s.contains(field), s);
        }
        assertFalse(s.contains("\t"), "one line: " + s);
    }

    @Test
    void signalStateOfNoProcessSaysSo() {
        assertEquals("", DirectSignal.signalState(null));
        assertEquals("pid 2147483646 gone", DirectSignal.signalState(new Container.ProcessInfo(2147483646L, 1, 0)));
    }

    @Test
    void aProcessThatIsNotTheShimsChildIsNeverSignalledDirectly() {
        assertFalse(DirectSignal.liveChildOf(ProcessHandle.current().pid(), 1));
        assertFalse(DirectSignal.send(new Container.ProcessInfo(ProcessHandle.current().pid(), 1, 0), 0));
    }
}
