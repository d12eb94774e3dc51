package io.berth.runtime.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The test backend: exec runs a real local process ({@code script} gives it a
 * pty when tty is asked), attach connects to a process started with
 * {@link #startContainer}, port-forward dials loopback. Container and sandbox
 * ids are ignored except for attach.
 */
final class LocalProcessRuntime implements StreamRuntime {

    final List<TerminalSize> resizes = new CopyOnWriteArrayList<>();
    final List<Process> execs = new CopyOnWriteArrayList<>();
    private final Map<String, Process> containers = new ConcurrentHashMap<>();

    @Override
    public StreamSession exec(ExecStreamRequest request) throws IOException {
        StdioOptions stdio = request.stdio();
        List<String> cmd = stdio.tty()
                ? List.of("script", "-qfec", shellJoin(request.cmd()), "/dev/null")
                : request.cmd();
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (!stdio.stdout()) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        if (!stdio.stderr() && !stdio.tty()) {
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        Process process = pb.start();
        execs.add(process);
        if (!stdio.stdin()) {
            process.getOutputStream().close();
        }
        return new LocalSession(process, stdio, true);
    }

    /** Starts a long-running "container" that attach connects to. */
    Process startContainer(String id, String... cmd) throws IOException {
        Process process = new ProcessBuilder(cmd).start();
        containers.put(id, process);
        return process;
    }

    void stopContainers() {
        containers.values().forEach(LocalProcessRuntime::killTree);
        execs.forEach(LocalProcessRuntime::killTree);
    }

    @Override
    public StreamSession attach(AttachStreamRequest request) throws IOException {
        Process process = containers.get(request.containerId());
        if (process == null) {
            throw new IOException("container " + request.containerId() + " is not running");
        }
        return new LocalSession(process, request.stdio(), false);
    }

    @Override
    public SocketChannel portForward(String sandboxId, int port) throws IOException {
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    }

    private final class LocalSession implements StreamSession {
        private final Process process;
        private final StdioOptions stdio;
        private final boolean ownsProcess;

        LocalSession(Process process, StdioOptions stdio, boolean ownsProcess) {
            this.process = process;
            this.stdio = stdio;
            this.ownsProcess = ownsProcess;
        }

        @Override
        public OutputStream stdin() {
            return stdio.stdin() ? process.getOutputStream() : null;
        }

        @Override
        public InputStream stdout() {
            return stdio.stdout() ? process.getInputStream() : null;
        }

        @Override
        public InputStream stderr() {
            return stdio.stderr() ? process.getErrorStream() : null;
        }

        @Override
        public void resize(TerminalSize size) {
            if (stdio.tty()) {
                applyToPty(process, size);
            }
            resizes.add(size);
        }

        @Override
        public CompletableFuture<Integer> exitCode() {
            return process.onExit().thenApply(Process::exitValue);
        }

        @Override
        public void close() {
            if (ownsProcess) {
                killTree(process);
            }
        }
    }

    // script's child holds the pty slave as its stdin; stty on the slave sets the size and sends SIGWINCH.
    private static void applyToPty(Process script, TerminalSize size) {
        try {
            for (int i = 0; i < 100 && script.isAlive(); i++) {
                for (ProcessHandle child : script.children().toList()) {
                    Path pts = ptyOf(child);
                    if (pts != null) {
                        new ProcessBuilder("stty", "-F", pts.toString(), "rows", Integer.toString(size.height()),
                                "cols", Integer.toString(size.width())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
                        return;
                    }
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The pty on the child's stdin, or null when it is not one or the child is already gone. */
    private static Path ptyOf(ProcessHandle child) {
        try {
            Path fd0 = Files.readSymbolicLink(Path.of("/proc/" + child.pid() + "/fd/0"));
            return fd0.toString().startsWith("/dev/pts/") ? fd0 : null;
        } catch (IOException e) {
            return null;
        }
    }

    static void killTree(Process process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String shellJoin(List<String> cmd) {
        StringBuilder sb = new StringBuilder();
        for (String arg : cmd) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append('\'').append(arg.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }
}
