package io.berth.runtime.container;

import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.InternalException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.ResourceExhaustedException;
import io.berth.runtime.container.runtime.OciRuntime;
import io.berth.runtime.shim.CriLog;
import io.berth.runtime.shim.ShimConfig;
import io.berth.runtime.shim.ShimExit;
import io.berth.runtime.store.IdGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * ExecSync through the shim's exec mode: the process inherits the container's
 * process settings (env, user, cwd, capabilities) with the given command, its
 * output goes to a private CRI log read back after the exit file appears. The
 * shim enforces the timeout by killing the exec'd process tree.
 */
final class ExecSync {

    /** Per stream, as api.proto suggests (ExecSyncResponse). */
    static final long OUTPUT_CAP = 16L << 20;
    /** The log holds both streams plus ~40 bytes of framing per record. */
    private static final long LOG_CAP = 2 * OUTPUT_CAP + (4L << 20);
    private static final Duration NO_TIMEOUT_WAIT = Duration.ofHours(24);
    private static final Duration GRACE = Duration.ofSeconds(10);

    private final ContainerDeps deps;

    ExecSync(ContainerDeps deps) {
        this.deps = deps;
    }

    ExecResult run(Container c, List<String> cmd, long timeoutSeconds) {
        c.state().require(c.state().canExec(), c.id(), "exec in");
        if (cmd.isEmpty()) {
            throw new InvalidArgumentException("exec in container " + c.id() + ": empty command");
        }
        String execId = "exec-" + IdGenerator.newId().substring(0, 16);
        ContainerLayout l = deps.layout();
        Path processJson = l.execDir().resolve(execId + ".json");
        Path log = l.execDir().resolve(execId + ".log");
        try {
            Files.createDirectories(l.execDir());
            ExecProcessFile.write(c.id(), l.configJson(c.id()), cmd, false, processJson);
            OciRuntime rt = deps.runtimes().forHandler(c.runtimeHandler());
            Duration timeout = timeoutSeconds > 0 ? Duration.ofSeconds(timeoutSeconds) : null;
            ShimConfig cfg = ShimConfig.exec(c.id(), processJson, log, l.exitFile(execId), l.socket(execId))
                    .withRuntime(rt.binary(), rt.globalArgs()).withTimeouts(timeout, null);
            CompletableFuture<ShimExit> exit = deps.exits().exitOf(execId);
            deps.shims().start(cfg);
            ShimExit e = await(c, exit, timeout);
            if (e.timedOut()) {
                throw new DeadlineExceededException("exec in container " + c.id() + " timed out after "
                        + timeoutSeconds + " s; its processes were killed");
            }
            return read(c, log, e.exitCode());
        } catch (IOException e) {
            throw new InternalException("exec in container " + c.id() + ": " + e.getMessage(), e);
        } finally {
            deps.exits().forget(execId);
            quietly(processJson, log, l.exitFile(execId));
        }
    }

    private static ShimExit await(Container c, CompletableFuture<ShimExit> exit, Duration timeout)
            throws IOException {
        Duration wait = timeout == null ? NO_TIMEOUT_WAIT : timeout.plus(GRACE);
        try {
            return exit.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DeadlineExceededException("exec in container " + c.id() + " did not end within " + wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for an exec in " + c.id());
        } catch (ExecutionException e) {
            throw new IOException("waiting for the exec's exit file", e.getCause());
        }
    }

    private static ExecResult read(Container c, Path log, int exitCode) throws IOException {
        long size = Files.exists(log) ? Files.size(log) : 0;
        if (size > LOG_CAP) {
            throw new ResourceExhaustedException("exec in container " + c.id() + " wrote " + size
                    + " bytes of log, more than ExecSync returns (" + OUTPUT_CAP + " bytes per stream)");
        }
        CriLog.Streams s = size == 0 ? new CriLog.Streams(new byte[0], new byte[0], 0) : CriLog.read(log);
        if (s.stdout().length > OUTPUT_CAP || s.stderr().length > OUTPUT_CAP) {
            throw new ResourceExhaustedException("exec in container " + c.id() + " wrote more than "
                    + OUTPUT_CAP + " bytes to one stream (stdout " + s.stdout().length + ", stderr "
                    + s.stderr().length + ")");
        }
        return new ExecResult(s.stdout(), s.stderr(), exitCode);
    }

    private static void quietly(Path... files) {
        for (Path p : files) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // scratch files: the next exec does not depend on them
            }
        }
    }
}
