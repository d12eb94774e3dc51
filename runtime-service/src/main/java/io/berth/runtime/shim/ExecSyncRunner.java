package io.berth.runtime.shim;

import io.berth.common.error.DeadlineExceededException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * ExecSync through the shim's exec mode: the shim enforces the timeout (it kills the
 * whole exec tree) and logs the output to a private CRI log, read back here once the
 * exit file appears. A grandchild holding stdout open cannot hang it (PROTOCOL.md §8).
 */
public final class ExecSyncRunner {

    /** How long past the exec timeout to wait for the shim's own verdict. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    /** Output as the kubelet would reassemble it from a CRI log (an unterminated last line gains a newline). */
    public record Result(byte[] stdout, byte[] stderr, int exitCode, boolean timedOut) {
    }

    private final ShimLauncher launcher;
    private final ExitWatcher exits;

    public ExecSyncRunner(ShimLauncher launcher, ExitWatcher exits) {
        this.launcher = launcher;
        this.exits = exits;
    }

    /**
     * Runs config (exec mode, its exit file in the watcher's directory) to its end. The log
     * and the exit file are private to this call and deleted afterwards.
     */
    public Result run(ShimConfig config) throws IOException, InterruptedException {
        if (config.execProcess() == null) {
            throw new IllegalArgumentException("not an exec: " + config.id());
        }
        String name = config.exitFile().getFileName().toString();
        ShimProcess p = launcher.start(config);
        Duration limit = (config.execTimeout() == null ? Duration.ofDays(365) : config.execTimeout()).plus(GRACE);
        try {
            ShimExit exit = exits.exitOf(name).get(limit.toMillis(), TimeUnit.MILLISECONDS);
            CriLog.Streams out = CriLog.read(config.logPath());
            return new Result(out.stdout(), out.stderr(), exit.exitCode(), exit.timedOut());
        } catch (TimeoutException e) {
            Pids.kill(p.pid());
            Pids.kill(p.shimPid());
            throw new DeadlineExceededException("exec in " + config.id() + " did not end within " + limit);
        } catch (ExecutionException e) {
            throw new IOException("waiting for the exec in " + config.id(), e.getCause());
        } finally {
            exits.forget(name);
            Files.deleteIfExists(config.exitFile());
            Files.deleteIfExists(config.logPath());
        }
    }
}
