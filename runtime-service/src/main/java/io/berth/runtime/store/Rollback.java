package io.berth.runtime.store;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes the steps of a multi-step operation that failed half-way, newest
 * first (DESIGN.md §5, STYLE.md rule 4). Use it as a resource:
 * <pre>
 * try (Rollback rb = new Rollback("run pod sandbox " + id, CLEANUP)) {
 *     make(a); rb.add("a", () -> unmake(a));
 *     make(b); rb.add("b", () -> unmake(b));
 *     rb.commit();
 * }
 * </pre>
 * Undo runs under its own deadline, not the caller's: an RPC whose deadline
 * passed still gets its resources back. A thread interrupt is set aside while
 * undoing (an interrupted CNI DEL would leak) and restored afterwards. A
 * failing undo is logged and the others still run. Steps may be added from
 * several threads (branches of one operation that run in parallel); each
 * thread's steps keep their order.
 */
public final class Rollback implements AutoCloseable {

    /** One undo action; may throw anything. */
    @FunctionalInterface
    public interface Undo {
        void run() throws Exception;
    }

    private record Step(String what, Undo undo) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Rollback.class);

    private final String operation;
    private final Duration deadline;
    private final Deque<Step> steps = new ArrayDeque<>();
    private boolean committed;
    private int failures;

    public Rollback(String operation, Duration deadline) {
        this.operation = operation;
        this.deadline = deadline;
    }

    /** Registers how to undo a step that has just been done (or may have been partly done). */
    public synchronized void add(String what, Undo undo) {
        steps.push(new Step(what, undo));
    }

    /** The operation succeeded: nothing will be undone. */
    public synchronized void commit() {
        committed = true;
        steps.clear();
    }

    /** How many undo steps failed or were skipped in {@link #close()}; 0 after a clean rollback. */
    public synchronized int failures() {
        return failures;
    }

    @Override
    public synchronized void close() {
        if (committed || steps.isEmpty()) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        long end = System.nanoTime() + deadline.toNanos();
        try {
            while (!steps.isEmpty()) {
                Step s = steps.pop();
                if (System.nanoTime() > end) {
                    failures++;
                    LOG.error("{}: rollback deadline of {} ms passed; not undone: {}",
                            operation, deadline.toMillis(), s.what());
                    continue;
                }
                runOne(s);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void runOne(Step s) {
        try {
            s.undo().run();
        } catch (Exception | Error e) {
            failures++;
            LOG.error("{}: rollback of {} failed", operation, s.what(), e);
        }
    }
}
