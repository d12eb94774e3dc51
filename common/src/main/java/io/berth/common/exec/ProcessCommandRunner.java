package io.berth.common.exec;

import io.berth.common.error.DeadlineExceededException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link CommandRunner} backed by {@link ProcessBuilder}. */
final class ProcessCommandRunner implements CommandRunner {

    static final ProcessCommandRunner INSTANCE = new ProcessCommandRunner();

    /** Output beyond this is dropped: a chatty plugin must not exhaust the heap. */
    static final int MAX_CAPTURE = 16 << 20;

    /**
     * How long to wait for output after the process exited. A grandchild that
     * inherited the pipe (a daemonising plugin) may hold it open forever.
     */
    private static final long DRAIN_GRACE_MS = 2000;

    @Override
    public CommandResult run(Command command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command.argv());
        if (command.cleanEnv()) {
            pb.environment().clear();
        }
        pb.environment().putAll(command.env());
        if (command.workDir() != null) {
            pb.directory(command.workDir().toFile());
        }
        if (command.stdin() == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = pb.start();
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        if (command.stdin() != null) {
            Thread.ofVirtual().start(() -> feed(p.getOutputStream(), command.stdin()));
        }
        boolean finished;
        try {
            finished = p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.name(), e);
        }
        if (!finished) {
            killTree(p);
            throw new DeadlineExceededException(command.name() + " did not finish within "
                    + command.timeout().toMillis() + " ms and was killed");
        }
        long drainDeadline = System.nanoTime() + DRAIN_GRACE_MS * 1_000_000L;
        return new CommandResult(p.exitValue(), out.collect(p.getInputStream(), drainDeadline),
                err.collect(p.getErrorStream(), drainDeadline));
    }

    private static void feed(OutputStream os, byte[] data) {
        try (os) {
            os.write(data);
        } catch (IOException ignored) {
            // The program closed its stdin early; its exit status tells the story.
        }
    }

    /** Reads one pipe to EOF on a virtual thread; what was read is available any time. */
    private static final class Drain {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final CompletableFuture<Void> eof = new CompletableFuture<>();

        Drain(InputStream in) {
            Thread.ofVirtual().start(() -> {
                byte[] chunk = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(chunk)) > 0) {
                        append(chunk, n);
                    }
                } catch (IOException ignored) {
                    // Closed under us after the grace period: keep what we have.
                }
                eof.complete(null);
            });
        }

        private synchronized void append(byte[] chunk, int n) {
            if (buf.size() < MAX_CAPTURE) {
                buf.write(chunk, 0, Math.min(n, MAX_CAPTURE - buf.size()));
            }
        }

        synchronized byte[] bytes() {
            return buf.toByteArray();
        }

        /** Waits for EOF until the shared deadline, then settles for what arrived. */
        byte[] collect(InputStream stream, long deadlineNanos) throws IOException {
            try {
                eof.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                stream.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
            return bytes();
        }
    }

    /** Kills children first so that none is reparented and survives. */
    static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
