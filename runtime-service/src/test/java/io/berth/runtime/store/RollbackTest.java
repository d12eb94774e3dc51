package io.berth.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollbackTest {

    @Test
    void undoesNewestFirstAndGoesOnPastAFailingStep() {
        List<String> done = new ArrayList<>();
        Rollback rb = new Rollback("test", Duration.ofSeconds(5));
        rb.add("a", () -> done.add("a"));
        rb.add("b", () -> {
            throw new IllegalStateException("b breaks");
        });
        rb.add("c", () -> done.add("c"));
        rb.close();
        assertEquals(List.of("c", "a"), done);
        assertEquals(1, rb.failures());
    }

    @Test
    void aCommittedRollbackUndoesNothing() {
        List<String> done = new ArrayList<>();
        try (Rollback rb = new Rollback("test", Duration.ofSeconds(5))) {
            rb.add("a", () -> done.add("a"));
            rb.commit();
        }
        assertTrue(done.isEmpty());
    }

    @Test
    void anInterruptedThreadStillUndoesAndKeepsItsInterrupt() {
        List<Boolean> sawInterrupt = new ArrayList<>();
        Rollback rb = new Rollback("test", Duration.ofSeconds(5));
        rb.add("a", () -> sawInterrupt.add(Thread.currentThread().isInterrupted()));
        Thread.currentThread().interrupt();
        rb.close();
        assertTrue(Thread.interrupted(), "the interrupt must be restored");
        assertEquals(List.of(false), sawInterrupt);
    }

    @Test
    void stepsPastTheDeadlineAreSkippedAndCounted() {
        List<String> done = new ArrayList<>();
        Rollback rb = new Rollback("test", Duration.ofMillis(50));
        rb.add("late", () -> done.add("late"));
        rb.add("slow", () -> Thread.sleep(200));
        rb.close();
        assertEquals(List.of(), done);
        assertEquals(1, rb.failures());
    }
}
