package io.berth.runtime.stream.runtime;

import io.berth.runtime.container.ExecProcessFile;
import io.berth.runtime.store.IdGenerator;
import io.berth.runtime.stream.ExecStreamRequest;
import io.berth.runtime.stream.StdioOptions;
import io.berth.runtime.stream.StreamSession;
import io.berth.runtime.stream.TerminalSize;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming exec without a terminal: berthd runs the OCI runtime's {@code exec}
 * in the foreground with its own pipes. The runtime enters the container's
 * namespaces (setns), relays the process's stdio through those pipes and exits
 * with the process's exit code (128+signal when killed).
 *
 * <p>Why not through berth-shim: nothing has to outlive berthd here (the client's
 * connection ends with berthd anyway), and the pipes give what a streaming exec
 * needs for free: output is never lost, since nothing reads it before the client
 * does, and a slow client stops the process at a full pipe instead of losing
 * output. It also spares a shim start, a log file and an exit file per exec.
 *
 * <p>The runtime writes its own errors (no such binary, container gone) to the
 * same stderr as the process. The pid file tells them apart: it appears only once
 * the process runs, so stderr is held back until it exists (watched for, so a
 * prompt is not delayed), and a runtime that exits without one failed, with the
 * held text as its reason.
 */
final class RuntimeExecSession implements StreamSession {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeExecSession.class);
    private static final int ERROR_TEXT_MAX = 8000;
    private static final long PID_FILE_POLL_NANOS = 2_000_000;
    private static final File DEV_NULL = new File("/dev/null");

    private final String containerId;
    private final StdioOptions stdio;
    private final Path processJson;
    private final Path pidFile;
    private final Process runtime;
    private final ChunkPipe stderr = new ChunkPipe();
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private boolean started; // guarded by held: the pid file was seen, stderr flows to the client

    private RuntimeExecSession(String containerId, StdioOptions stdio, Path processJson, Path pidFile,
                               Process runtime) {
        this.containerId = containerId;
        this.stdio = stdio;
        this.processJson = processJson;
        this.pidFile = pidFile;
        this.runtime = runtime;
    }

    static RuntimeExecSession start(RunningContainer c, ExecStreamRequest request) throws IOException {
        if (request.stdio().tty()) {
            throw new IllegalArgumentException("a terminal exec goes through berth-shim");
        }
        RunningContainer.ExecEnv env = c.exec();
        String name = "exec-" + IdGenerator.newId().substring(0, 16);
        Path json = env.execDir().resolve(name + ".json");
        Path pid = env.execDir().resolve(name + ".pid");
        try {
            Files.createDirectories(env.execDir());
            ExecProcessFile.write(c.id(), c.configJson(), request.cmd(), false, json);
            Process p = new ProcessBuilder(argv(env, json, pid, c.id()))
                    .redirectInput(request.stdio().stdin() ? ProcessBuilder.Redirect.PIPE
                            : ProcessBuilder.Redirect.from(DEV_NULL))
                    .redirectOutput(request.stdio().stdout() ? ProcessBuilder.Redirect.PIPE
                            : ProcessBuilder.Redirect.DISCARD)
                    .start();
            RuntimeExecSession s = new RuntimeExecSession(c.id(), request.stdio(), json, pid, p);
            Thread.ofVirtual().name("exec-stderr-" + name).start(s::pumpStderr);
            return s;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(json);
            deleteQuietly(pid);
            throw new IOException("exec in container " + c.id() + ": " + e.getMessage(), e);
        }
    }

    private static List<String> argv(RunningContainer.ExecEnv env, Path json, Path pid, String id) {
        List<String> argv = new ArrayList<>();
        argv.add(env.runtime());
        argv.addAll(env.runtimeArgs());
        argv.addAll(List.of("exec", "--process", json.toString(), "--pid-file", pid.toString(), id));
        return argv;
    }

    /** Runs until the runtime closed its stderr (it exits right after), then settles the exit code. */
    private void pumpStderr() {
        try (InputStream in = runtime.getErrorStream()) {
            byte[] buf = new byte[64 << 10];
            for (int n; (n = in.read(buf)) >= 0; ) {
                onStderr(Arrays.copyOf(buf, n));
            }
        } catch (IOException e) {
            LOG.debug("exec in {}: stderr: {}", containerId, e.toString());
        }
        settle();
    }

    private void onStderr(byte[] data) {
        synchronized (held) {
            // Past the cap it is the process talking, not the runtime: the pid file is just late.
            if (!started && (Files.exists(pidFile) || held.size() + data.length > ERROR_TEXT_MAX)) {
                startForwarding();
            }
            if (started) {
                forwardStderr(data);
                return;
            }
            if (held.size() == 0) {
                Thread.ofVirtual().name("exec-stderr-gate").start(this::releaseOnceRunning);
            }
            held.write(data, 0, data.length);
        }
    }

    /**
     * Held bytes go out as soon as the process runs, not with the next chunk: a shell's prompt
     * on stderr must not wait for the user's input.
     */
    private void releaseOnceRunning() {
        while (!Files.exists(pidFile) && runtime.isAlive()) {
            LockSupport.parkNanos(PID_FILE_POLL_NANOS);
        }
        if (Files.exists(pidFile)) {
            synchronized (held) {
                startForwarding();
            }
        }
    }

    /** Called with the lock on {@code held}. */
    private void startForwarding() {
        started = true;
        if (held.size() > 0) {
            forwardStderr(held.toByteArray());
            held.reset();
        }
    }

    private void settle() {
        try {
            int code = runtime.waitFor();
            synchronized (held) {
                // Killed by close() before the process ran: the kill is the outcome, not a runtime failure.
                if (Files.exists(pidFile) || closed.get()) {
                    startForwarding();
                    stderr.end();
                    exitCode.complete(code);
                } else {
                    stderr.end();
                    String text = held.toString(StandardCharsets.UTF_8).strip();
                    exitCode.completeExceptionally(new IOException("OCI runtime exec failed (status " + code + ")"
                            + (text.isEmpty() ? "" : ": " + text)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stderr.end();
            exitCode.completeExceptionally(e);
        } finally {
            deleteQuietly(processJson);
            deleteQuietly(pidFile);
        }
    }

    private void forwardStderr(byte[] data) {
        if (stdio.stderr()) {
            stderr.offer(data);
        }
    }

    @Override
    public OutputStream stdin() {
        return stdio.stdin() ? runtime.getOutputStream() : null;
    }

    @Override
    public InputStream stdout() {
        return stdio.stdout() ? runtime.getInputStream() : null;
    }

    @Override
    public InputStream stderr() {
        return stdio.stderr() ? stderr : null;
    }

    /** No terminal, nothing to size. */
    @Override
    public void resize(TerminalSize size) {
    }

    @Override
    public CompletableFuture<Integer> exitCode() {
        return exitCode;
    }

    /** The client went away: the runtime and the whole exec tree below it are killed, and awaited. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!exitCode.isDone()) {
            ProcessTrees.killAndAwait(runtime.pid(), exitCode, "exec in container " + containerId);
        }
        stderr.close();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("could not remove {}: {}", p, e.toString());
        }
    }
}
