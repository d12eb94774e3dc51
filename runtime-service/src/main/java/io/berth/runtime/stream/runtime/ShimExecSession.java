package io.berth.runtime.stream.runtime;

import io.berth.runtime.container.ExecProcessFile;
import io.berth.runtime.shim.AttachClient;
import io.berth.runtime.shim.ShimConfig;
import io.berth.runtime.shim.ShimExit;
import io.berth.runtime.shim.ShimProcess;
import io.berth.runtime.store.IdGenerator;
import io.berth.runtime.stream.ExecStreamRequest;
import io.berth.runtime.stream.StdioOptions;
import io.berth.runtime.stream.StreamSession;
import io.berth.runtime.stream.TerminalSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming exec with a terminal: berth-shim in exec mode runs the command
 * in the container (shim/PROTOCOL.md, "Exec mode") and holds the pty master; its
 * attach socket carries output, stdin and resize. The shim starts the process
 * only after we attached, and waits for us when we read slowly, so no output is
 * lost. The exit code comes from the shim's exit file.
 */
final class ShimExecSession implements StreamSession {

    private static final Logger LOG = LoggerFactory.getLogger(ShimExecSession.class);
    private static final Duration ATTACH_WAIT = Duration.ofSeconds(10);
    private static final long ATTACH_RETRY_NANOS = 1_000_000;

    private final String containerId;
    private final StdioOptions stdio;
    private final ExecFiles files;
    private final ShimProcess process;
    private final CompletableFuture<ShimExit> shimExit;
    private final OutputPipes output;
    private final AttachClient client;
    private final OutputStream stdin;
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ShimExecSession(String containerId, StdioOptions stdio, ExecFiles files, ShimProcess process,
                            CompletableFuture<ShimExit> shimExit, OutputPipes output, AttachClient client) {
        this.containerId = containerId;
        this.stdio = stdio;
        this.files = files;
        this.process = process;
        this.shimExit = shimExit;
        this.output = output;
        this.client = client;
        this.stdin = stdio.stdin() ? new ShimStdin(() -> client, true) : null;
    }

    static ShimExecSession start(RunningContainer c, ExecStreamRequest request) throws IOException {
        StdioOptions stdio = request.stdio();
        if (!stdio.tty()) {
            throw new IllegalArgumentException("an exec without a terminal runs without berth-shim");
        }
        RunningContainer.ExecEnv env = c.exec();
        ExecFiles f = ExecFiles.of(env, "exec-" + IdGenerator.newId().substring(0, 16));
        OutputPipes output = new OutputPipes();
        AtomicBoolean startOver = new AtomicBoolean();
        CompletableFuture<AttachClient> attached = null;
        try {
            Files.createDirectories(env.execDir());
            Files.createDirectories(env.socketDir());
            ExecProcessFile.write(c.id(), c.configJson(), request.cmd(), true, f.processJson());
            ShimConfig cfg = ShimConfig.exec(c.id(), f.processJson(), f.log(), f.exitFile(), f.socket())
                    .withRuntime(env.runtime(), env.runtimeArgs())
                    .withStdio(new ShimConfig.Stdio(true, stdio.stdin(), false))
                    .withAttachFirst();
            CompletableFuture<ShimExit> exit = env.exits().exitOf(f.name());
            // With --attach-first the exec starts only once we attached, and the shim answers after the start.
            attached = attachWhenListening(f.socket(), output, stdio, startOver);
            ShimProcess p = env.shims().start(cfg);
            AttachClient ac = attachedClient(attached, f.name());
            startOver.set(true);
            ShimExecSession s = new ShimExecSession(c.id(), stdio, f, p, exit, output, ac);
            Thread.ofVirtual().name("exec-wait-" + f.name()).start(s::finishWhenExited);
            return s;
        } catch (IOException | RuntimeException e) {
            startOver.set(true);
            if (attached != null) {
                attached.thenAccept(ShimExecSession::closeQuietly);
            }
            env.exits().forget(f.name());
            f.delete();
            throw e;
        }
    }

    /**
     * Connects as soon as the shim listens, and sends ATTACH; retries while the socket is not
     * there yet, until the start is over either way.
     */
    private static CompletableFuture<AttachClient> attachWhenListening(Path socket, OutputPipes output,
            StdioOptions stdio, AtomicBoolean startOver) {
        CompletableFuture<AttachClient> result = new CompletableFuture<>();
        Thread.ofVirtual().name("exec-attach-" + socket.getFileName()).start(() -> {
            while (!startOver.get()) {
                AttachClient ac = null;
                try {
                    ac = AttachClient.connect(socket, output);
                    ac.subscribe(stdio.stdout(), false);
                    result.complete(ac);
                    return;
                } catch (IOException e) {
                    if (ac != null) {
                        closeQuietly(ac);
                    }
                    LockSupport.parkNanos(ATTACH_RETRY_NANOS);
                }
            }
            result.completeExceptionally(new IOException("the start ended before " + socket + " accepted us"));
        });
        return result;
    }

    /** The shim answered, so it has our ATTACH: the connector is done or about to be. */
    private static AttachClient attachedClient(CompletableFuture<AttachClient> attached, String name)
            throws IOException {
        try {
            return attached.get(ATTACH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while attaching to exec " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("berth-shim started exec " + name + " but our attach did not complete", e);
        }
    }

    private void finishWhenExited() {
        try {
            boolean gotExitFrame = exitFrame(client.exit());
            ShimExit e = shimExit.get();
            if (!gotExitFrame) {
                // The shim waits for a slow reader, so only a broken connection ends without EXIT.
                fail(new IOException("berth-shim closed the attach connection of " + files.name()
                        + " before the exit frame (exit code " + e.exitCode() + ")"));
                return;
            }
            output.end();
            exitCode.complete(e.exitCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        } catch (ExecutionException | RuntimeException e) {
            fail(e instanceof ExecutionException ee ? ee.getCause() : e);
        } finally {
            closeQuietly(client);
            files.exits().forget(files.name());
            files.delete();
        }
    }

    private void fail(Throwable cause) {
        output.end();
        exitCode.completeExceptionally(cause);
    }

    /** Whether the connection ended with EXIT. */
    private static boolean exitFrame(CompletableFuture<Integer> f) throws InterruptedException {
        try {
            f.get();
            return true;
        } catch (ExecutionException e) {
            return false;
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

    /** A terminal has no separate stderr. */
    @Override
    public InputStream stderr() {
        return null;
    }

    @Override
    public void resize(TerminalSize size) {
        try {
            client.resize(size.height(), size.width());
        } catch (IOException | RuntimeException e) {
            LOG.debug("exec {} in {}: resize: {}", files.name(), containerId, e.toString());
        }
    }

    @Override
    public CompletableFuture<Integer> exitCode() {
        return exitCode;
    }

    /** The client went away: the exec's process tree is killed, and its exit awaited. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Nobody reads any more; the shim waits for a slow reader, so let it reach the exit.
        output.close();
        if (!exitCode.isDone()) {
            ProcessTrees.killAndAwait(process.pid(), exitCode, "exec " + files.name() + " in container " + containerId);
        }
    }

    private static void closeQuietly(AttachClient ac) {
        try {
            ac.close();
        } catch (IOException e) {
            LOG.trace("closing the attach connection", e);
        }
    }

    /** The scratch files of one exec, all named after it. */
    record ExecFiles(String name, Path processJson, Path log, Path exitFile, Path socket,
                     io.berth.runtime.shim.ExitWatcher exits) {

        static ExecFiles of(RunningContainer.ExecEnv env, String name) {
            return new ExecFiles(name, env.execDir().resolve(name + ".json"), env.execDir().resolve(name + ".log"),
                    env.exitDir().resolve(name), env.socketDir().resolve(name + ".sock"), env.exits());
        }

        void delete() {
            for (Path p : List.of(processJson, log, exitFile)) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("could not remove {}: {}", p, e.toString());
                }
            }
        }
    }
}
