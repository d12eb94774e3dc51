package io.berth.runtime;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Waits for SIGTERM or SIGINT. Handling the signal ourselves (instead of a
 * shutdown hook) lets berthd finish its graceful stop and exit 0, which is
 * what systemd and the tests expect from an orderly stop.
 */
final class ShutdownSignal {

    private final CountDownLatch received = new CountDownLatch(1);
    private volatile String name = "";

    static ShutdownSignal install() {
        ShutdownSignal signal = new ShutdownSignal();
        for (String sig : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(sig), s -> {
                signal.name = "SIG" + s.getName();
                signal.received.countDown();
            });
        }
        return signal;
    }

    /** Blocks until a signal arrives; returns its name. */
    String await() throws InterruptedException {
        received.await();
        return name;
    }
}
