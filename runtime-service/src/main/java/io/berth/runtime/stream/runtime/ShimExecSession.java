package io.berth.runtime.stream.runtime;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming exec: berth-shim in exec mode runs the command in the
 * container (shim/PROTOCOL.md, "Exec mode"), and its attach socket carries
 * output, stdin and resize. The exit code comes from the shim's exit file.
 */
final class ShimExecSession implements StreamSession {

    private static final Logger LOG = LoggerFactory.getLogger(ShimExecSession.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final String containerId;
    private final StdioOptions stdio;
    private final ExecFiles files;
    private final ShimProcess process;
    private final CompletableFuture<ShimExit> shimExit;
    private final OutputPipes output = new OutputPipes();
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile AttachClient client;
    private OutputStream stdin;

    private ShimExecSession(String containerId, StdioOptions stdio, ExecFiles files, ShimProcess process,
                            CompletableFuture<ShimExit> shimExit) {
        this.containerId = containerId;
        this.stdio = stdio;
        this.files = files;
        this.process = process;
        this.shimExit = shimExit;
    }

    static ShimExecSession start(RunningContainer c, ExecStreamRequest request) throws IOException {
        RunningContainer.ExecEnv env = c.exec();
        ExecFiles f = ExecFiles.of(env, "exec-" + IdGenerator.newId().substring(0, 16));
        StdioOptions stdio = request.stdio();
        CompletableFuture<ShimExit> exit = null;
        try {
            Files.createDirectories(env.execDir());
            Files.createDirectories(env.socketDir());
            ExecProcessFile.write(c.id(), c.configJson(), request.cmd(), stdio.tty(), f.processJson());
            ShimConfig cfg = ShimConfig.exec(c.id(), f.processJson(), f.log(), f.exitFile(), f.socket())
                    .withRuntime(env.runtime(), env.runtimeArgs())
                    .withStdio(new ShimConfig.Stdio(stdio.tty(), stdio.stdin(), false));
            exit = env.exits().exitOf(f.name());
            ShimProcess p = env.shims().start(cfg);
            ShimExecSession s = new ShimExecSession(c.id(), stdio, f, p, exit);
            s.connect();
            return s;
        } catch (IOException | RuntimeException e) {
            env.exits().forget(f.name());
            f.delete();
            throw e;
        }
    }

    private void connect() {
        try {
            AttachClient ac = AttachClient.connect(files.socket(), output);
            client = ac;
            if (stdio.stdout() || stdio.stderr()) {
                ac.subscribe(stdio.stdout(), stdio.stderr());
            }
        } catch (IOException e) {
            // The socket is gone once the process has exited: its output is all in the log.
            LOG.debug("exec {} in {}: attach socket: {}", files.name(), containerId, e.toString());
        }
        stdin = stdio.stdin() ? new ShimStdin(this::client, true) : null;
        Thread.ofVirtual().name("exec-wait-" + files.name()).start(this::finishWhenExited);
    }

    private AttachClient client() {
        return client;
    }

    private void finishWhenExited() {
        try {
            AttachClient ac = client;
            boolean gotExitFrame = ac == null || exitFrame(ac.exit());
            ShimExit e = shimExit.get();
            if (!gotExitFrame && (output.out.total() > 0 || output.err.total() > 0)) {
                // Silent truncation would look like success to the client: say so on the error stream.
                fail(new IOException("output cut off: berth-shim dropped the attach stream of " + files.name()
                        + " because it was read slower than the process wrote (exit code " + e.exitCode() + ")"));
                return;
            }
            ExecOutputRepair.replayMissing(files.log(), stdio, output.out, output.err);
            output.end();
            exitCode.complete(e.exitCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        } catch (ExecutionException | IOException | RuntimeException e) {
            fail(e instanceof ExecutionException ee ? ee.getCause() : e);
        } finally {
            closeClient();
            files.exits().forget(files.name());
            files.delete();
        }
    }

    private void fail(Throwable cause) {
        output.end();
        exitCode.completeExceptionally(cause);
    }

    /** Whether the connection ended with EXIT; without it the shim dropped us, or closed before accepting us. */
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

    @Override
    public InputStream stderr() {
        return stdio.stderr() && !stdio.tty() ? output.err : null;
    }

    @Override
    public void resize(TerminalSize size) {
        AttachClient ac = client;
        if (!stdio.tty() || ac == null) {
            return;
        }
        try {
            ac.resize(size.height(), size.width());
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
        if (!exitCode.isDone()) {
            ProcessTrees.kill(process.pid());
            try {
                exitCode.get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("exec {} in container {} (pid {}) did not end within {} of SIGKILL", files.name(),
                        containerId, process.pid(), KILL_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // lost track of it: nothing more to wait for
            }
        }
        output.close();
    }

    private void closeClient() {
        AttachClient ac = client;
        if (ac != null) {
            try {
                ac.close();
            } catch (IOException e) {
                LOG.trace("closing the attach connection", e);
            }
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
