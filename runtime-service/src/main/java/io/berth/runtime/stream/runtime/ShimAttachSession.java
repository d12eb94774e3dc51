package io.berth.runtime.stream.runtime;

import io.berth.runtime.shim.AttachClient;
import io.berth.runtime.stream.AttachStreamRequest;
import io.berth.runtime.stream.StdioOptions;
import io.berth.runtime.stream.StreamSession;
import io.berth.runtime.stream.TerminalSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attach: a client of the container shim's attach socket. Output starts at
 * the subscription (what came before is in the container log); closing only
 * detaches, the container keeps running.
 */
final class ShimAttachSession implements StreamSession {

    private static final Logger LOG = LoggerFactory.getLogger(ShimAttachSession.class);

    private final RunningContainer container;
    private final StdioOptions stdio;
    private final OutputPipes output = new OutputPipes();
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private AttachClient client;
    private OutputStream stdin;

    private ShimAttachSession(RunningContainer container, StdioOptions stdio) {
        this.container = container;
        this.stdio = stdio;
    }

    static ShimAttachSession open(RunningContainer c, AttachStreamRequest request) throws IOException {
        ShimAttachSession s = new ShimAttachSession(c, request.stdio());
        s.connect();
        return s;
    }

    private void connect() throws IOException {
        try {
            client = AttachClient.connect(container.attachSocket(), output);
        } catch (IOException e) {
            throw new IOException("attach to container " + container.id() + ": " + e.getMessage(), e);
        }
        // EXIT is the shim's last frame, so when the future completes every output frame has been handed over.
        client.exit().whenComplete((code, failure) -> {
            output.end();
            if (failure != null) {
                exitCode.completeExceptionally(failure);
            } else {
                exitCode.complete(code);
            }
        });
        boolean wantErr = stdio.stderr() && !container.tty();
        if (stdio.stdout() || wantErr) {
            client.subscribe(stdio.stdout(), wantErr);
        }
        if (stdio.stdin() && container.stdin()) {
            AttachClient c = client;
            stdin = new ShimStdin(() -> c, container.stdinOnce());
        }
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdio.stdout() ? output.out : null;
    }

    @Override
    public InputStream stderr() {
        return stdio.stderr() && !container.tty() ? output.err : null;
    }

    @Override
    public void resize(TerminalSize size) {
        if (!container.tty()) {
            return;
        }
        try {
            client.resize(size.height(), size.width());
        } catch (IOException | RuntimeException e) {
            LOG.debug("attach to {}: resize: {}", container.id(), e.toString());
        }
    }

    @Override
    public CompletableFuture<Integer> exitCode() {
        return exitCode;
    }

    /** Detaches; the container keeps running. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            client.close();
        } catch (IOException e) {
            LOG.trace("closing the attach connection", e);
        }
        output.close();
    }
}
