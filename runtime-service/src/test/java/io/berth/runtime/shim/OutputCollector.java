package io.berth.runtime.shim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Collects attach output so a test can wait for some text to show up. */
final class OutputCollector implements AttachClient.Output {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Override
    public synchronized void stdout(byte[] data) {
        out.writeBytes(data);
        notifyAll();
    }

    @Override
    public synchronized void stderr(byte[] data) {
        err.writeBytes(data);
        notifyAll();
    }

    synchronized String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    synchronized void awaitStdout(String text, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stdout().contains(text)) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new TimeoutException("no '" + text + "' in stdout: '" + stdout() + "'");
            }
            wait(left);
        }
    }
}
