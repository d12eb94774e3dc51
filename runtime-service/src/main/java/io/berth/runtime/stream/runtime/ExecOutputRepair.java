package io.berth.runtime.stream.runtime;

import io.berth.runtime.shim.CriLog;
import io.berth.runtime.stream.StdioOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shim starts the exec before berthd can subscribe to its output, and
 * sends output only to subscribed clients (shim/PROTOCOL.md, "Attach socket").
 * A short command can finish before the subscription: then nothing came
 * through the socket and all of it is in the exec's private log, which the
 * shim always writes. A stream that received nothing is replayed from there.
 * Output written between the start and the subscription of a longer command
 * is lost to the client (the shim would have to wait for the first client to
 * fix that); that case is logged. A replayed unterminated last line gains a
 * newline: the log cannot tell it from a terminated one.
 */
final class ExecOutputRepair {

    private static final Logger LOG = LoggerFactory.getLogger(ExecOutputRepair.class);
    /** Above this the log is not read just to check for a loss. */
    private static final long CHECK_LIMIT = 1 << 20;

    private ExecOutputRepair() {
    }

    static void replayMissing(Path log, StdioOptions stdio, ChunkPipe out, ChunkPipe err) throws IOException {
        boolean wantOut = stdio.stdout();
        boolean wantErr = stdio.stderr() && !stdio.tty();
        long size = Files.exists(log) ? Files.size(log) : 0;
        boolean outMissing = wantOut && out.total() == 0;
        boolean errMissing = wantErr && err.total() == 0;
        if (size == 0 || (!outMissing && !errMissing && size > CHECK_LIMIT)) {
            return;
        }
        CriLog.Streams s = CriLog.read(log);
        if (outMissing) {
            out.offer(s.stdout());
        } else if (wantOut && out.total() < s.stdout().length - 1) {
            LOG.warn("exec output lost before berthd subscribed: {} of {} stdout bytes arrived", out.total(),
                    s.stdout().length);
        }
        if (errMissing) {
            err.offer(s.stderr());
        } else if (wantErr && err.total() < s.stderr().length - 1) {
            LOG.warn("exec output lost before berthd subscribed: {} of {} stderr bytes arrived", err.total(),
                    s.stderr().length);
        }
    }
}
