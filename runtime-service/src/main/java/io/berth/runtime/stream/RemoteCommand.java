package io.berth.runtime.stream;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec or attach session once its transport (SPDY or WebSocket) has
 * delivered the client's streams: starts the process through the
 * {@link StreamRuntime}, pumps the streams on virtual threads, reports the
 * outcome on the error stream, then lets the transport finish.
 */
public final class RemoteCommand {

    /** The client's streams; a stream the client did not ask for is null. */
    public record Streams(InputStream stdin, OutputStream stdout, OutputStream stderr, OutputStream error,
            InputStream resize, CommandStatus status) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(RemoteCommand.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BUFFER = 64 * 1024;
    // A process can leave a background child holding its stdout; do not wait for it forever.
    private static final long OUTPUT_DRAIN_SECONDS = 10;

    private final StreamRuntime runtime;
    private final StreamRequest request;
    private final Streams streams;
    private final Runnable finish;
    private final List<Thread> outputPumps = new ArrayList<>();
    private volatile StreamSession session;
    private volatile boolean cancelled;

    /** {@code finish} runs last, after the outcome was written: the transport's orderly close. */
    public RemoteCommand(StreamRuntime runtime, StreamRequest request, Streams streams, Runnable finish) {
        if (!(request instanceof ExecStreamRequest) && !(request instanceof AttachStreamRequest)) {
            throw new IllegalArgumentException("not an exec or attach: " + request.kind());
        }
        this.runtime = runtime;
        this.request = request;
        this.streams = streams;
        this.finish = finish;
    }

    public void start() {
        Thread.ofVirtual().name("stream-" + request.kind()).start(this::run);
    }

    /** The client went away: kill the exec (or detach), unblock every pump. */
    public void cancel() {
        cancelled = true;
        StreamSession s = session;
        if (s != null) {
            s.close();
        }
        closeQuietly(streams.stdin());
        closeQuietly(streams.resize());
    }

    private void run() {
        try {
            session = open();
            if (cancelled) {
                session.close();
                return;
            }
            int exitCode = pumpUntilExit(session);
            if (!cancelled) {
                writeOutcome(exitCode);
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("{} failed: {}", describe(), e.toString());
            reportInternalError(e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            if (session != null) {
                session.close();
            }
            closeQuietly(streams.stdout());
            closeQuietly(streams.stderr());
            closeQuietly(streams.error());
            closeQuietly(streams.stdin());
            closeQuietly(streams.resize());
            finish.run();
        }
    }

    private StreamSession open() throws IOException {
        return switch (request) {
            case ExecStreamRequest exec -> runtime.exec(exec);
            case AttachStreamRequest attach -> runtime.attach(attach);
            default -> throw new IllegalStateException(request.kind());
        };
    }

    private int pumpUntilExit(StreamSession s) throws IOException {
        if (s.stdin() != null && streams.stdin() != null) {
            Thread.ofVirtual().name("stream-stdin").start(() -> pumpStdin(s));
        }
        if (streams.resize() != null) {
            Thread.ofVirtual().name("stream-resize").start(() -> pumpResize(s));
        }
        startOutputPump(s.stdout(), streams.stdout(), "stdout");
        startOutputPump(s.stderr(), streams.stderr(), "stderr");
        int exitCode;
        try {
            exitCode = s.exitCode().get();
        } catch (ExecutionException e) {
            // A runtime's own IOException already says what failed (e.g. the OCI runtime's error text).
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("lost track of the process: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        joinOutputPumps();
        return exitCode;
    }

    private void startOutputPump(InputStream from, OutputStream to, String name) {
        if (from == null || to == null) {
            return;
        }
        outputPumps.add(Thread.ofVirtual().name("stream-" + name).start(() -> {
            try {
                copy(from, to);
            } catch (IOException e) {
                LOG.debug("{} {} pump ended: {}", describe(), name, e.toString());
            }
        }));
    }

    private void joinOutputPumps() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(OUTPUT_DRAIN_SECONDS);
        try {
            for (Thread pump : outputPumps) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !pump.join(java.time.Duration.ofNanos(left))) {
                    throw new TimeoutException("output still open " + OUTPUT_DRAIN_SECONDS + "s after exit");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            LOG.info("{}: {}", describe(), e.getMessage());
        }
    }

    private void pumpStdin(StreamSession s) {
        try (OutputStream processStdin = s.stdin()) {
            copy(streams.stdin(), processStdin);
        } catch (IOException e) {
            // The process closed its stdin or exited; the rest of the input has nowhere to go.
            LOG.debug("{} stdin pump ended: {}", describe(), e.toString());
        }
    }

    private void pumpResize(StreamSession s) {
        try (MappingIterator<TerminalSize> sizes = MAPPER.readerFor(TerminalSize.class)
                .readValues(streams.resize())) {
            while (sizes.hasNextValue()) {
                s.resize(sizes.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} resize stream ended: {}", describe(), e.toString());
        }
    }

    private void writeOutcome(int exitCode) throws IOException {
        OutputStream error = streams.error();
        if (request instanceof ExecStreamRequest exec) {
            streams.status().writeExit(error, exitCode, "[" + String.join(" ", exec.cmd()) + "]");
        } else {
            streams.status().writeSuccess(error);
        }
    }

    private void reportInternalError(String message) {
        if (cancelled) {
            return;
        }
        try {
            streams.status().writeInternalError(streams.error(), describe() + ": " + message);
        } catch (IOException e) {
            LOG.debug("could not report the failure of {}: {}", describe(), e.toString());
        }
    }

    private String describe() {
        return switch (request) {
            case ExecStreamRequest exec -> "exec in container " + exec.containerId();
            case AttachStreamRequest attach -> "attach to container " + attach.containerId();
            default -> request.kind();
        };
    }

    // Flushes every chunk: a runtime's stdin may be buffered, and an interactive shell must see each line.
    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (n > 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.trace("close failed", e);
        }
    }
}
