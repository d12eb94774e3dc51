package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerStateTest {

    @ParameterizedTest
    @CsvSource({
        // state, visible, canStart, mayHaveProcess, canExec, canUpdate, cri
        "CREATING, false, false, false, false, false, CONTAINER_CREATED",
        "CREATED,  true,  true,  false, false, true,  CONTAINER_CREATED",
        "RUNNING,  true,  false, true,  true,  true,  CONTAINER_RUNNING",
        "EXITED,   true,  false, false, false, false, CONTAINER_EXITED",
        "UNKNOWN,  true,  false, true,  false, false, CONTAINER_UNKNOWN",
    })
    void guards(ContainerState s, boolean visible, boolean start, boolean process, boolean exec, boolean update,
                io.berth.cri.v1.ContainerState cri) {
        assertEquals(visible, s.visible());
        assertEquals(start, s.canStart());
        assertEquals(process, s.mayHaveProcess());
        assertEquals(exec, s.canExec());
        assertEquals(update, s.canUpdateResources());
        assertEquals(cri, s.toCri());
    }

    @ParameterizedTest
    @CsvSource({"RUNNING", "EXITED", "UNKNOWN"})
    void aRefusedActionNamesTheContainerTheActionAndTheState(ContainerState s) {
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> s.require(s.canStart(), "abc123", "start"));
        assertTrue(e.getMessage().contains("abc123") && e.getMessage().contains("start")
                && e.getMessage().contains(s.name()), e.getMessage());
    }
}
