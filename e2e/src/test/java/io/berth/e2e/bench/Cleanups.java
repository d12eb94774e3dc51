package io.berth.e2e.bench;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What must be undone if the benchmark is interrupted (Ctrl-C, SIGTERM): a
 * JVM shutdown hook closes whatever is still registered, newest first, so no
 * daemon, registry or mount outlives the run. Normal runs close and
 * unregister in their own finally blocks.
 */
final class Cleanups {

    private static final Deque<AutoCloseable> OPEN = new ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Cleanups::closeAll, "bench-cleanup"));
    }

    private Cleanups() {
    }

    static synchronized void register(AutoCloseable c) {
        OPEN.push(c);
    }

    static synchronized void unregister(AutoCloseable c) {
        OPEN.remove(c);
    }

    private static void closeAll() {
        AutoCloseable c;
        while ((c = next()) != null) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("bench: cleanup on exit: " + e);
            }
        }
    }

    private static synchronized AutoCloseable next() {
        return OPEN.poll();
    }
}
