package io.berth.runtime.stream;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * The runtime side of one exec or attach: plain blocking streams, so the
 * protocol layer can pump them from virtual threads whatever the transport.
 *
 * <p>Contract (every implementation, tested by StreamRuntimeContract):
 * <ul>
 * <li>{@link #stdin()} is null unless stdin was requested; closing it is EOF for the process.</li>
 * <li>{@link #stdout()} is null unless stdout was requested; with a tty it carries the terminal output.</li>
 * <li>{@link #stderr()} is null unless stderr was requested, and always null with a tty.</li>
 * <li>The output streams reach EOF once the process (exec) or the container's output (attach) ends.</li>
 * <li>{@link #exitCode()} completes when the exec'd process exits, with its exit code
 *     (128+signal when killed); for attach it completes when the container stops and the value is ignored.
 *     It completes exceptionally when the runtime lost track of the process.</li>
 * <li>{@link #close()} means the client went away: an exec'd process tree is killed and waited for;
 *     an attach only detaches (the container keeps running). Idempotent.</li>
 * </ul>
 */
public interface StreamSession extends AutoCloseable {

    OutputStream stdin();

    InputStream stdout();

    InputStream stderr();

    /** Applies a terminal size; ignored without a tty. Must not block for long. */
    void resize(TerminalSize size);

    CompletableFuture<Integer> exitCode();

    @Override
    void close();
}
