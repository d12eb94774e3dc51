package io.berth.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@link StreamRuntime} / {@link StreamSession} contract, once for every
 * implementation (STYLE.md rule 8): the local-process fake extends it here,
 * and the real runtime's integration test extends it with a running
 * container and sandbox.
 */
public abstract class StreamRuntimeContract {

    /** The runtime under test. */
    protected abstract StreamRuntime runtime();

    /** A container that can run sh, cat, sleep and echo. */
    protected abstract String containerId();

    /** A sandbox in which {@link #listeningPort()} accepts connections on loopback. */
    protected abstract String sandboxId();

    protected abstract int listeningPort();

    private StreamSession exec(StdioOptions stdio, String... cmd) throws IOException {
        return runtime().exec(new ExecStreamRequest(containerId(), List.of(cmd), stdio));
    }

    @Test
    void execReportsOutputAndExitCode() throws Exception {
        try (StreamSession s = exec(new StdioOptions(false, false, true, true), "sh", "-c",
                "echo out; echo err >&2; exit 42")) {
            assertNull(s.stdin());
            assertEquals("out\n", new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals("err\n", new String(s.stderr().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(42, s.exitCode().get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void closingStdinIsEof() throws Exception {
        try (StreamSession s = exec(new StdioOptions(false, true, true, false), "cat")) {
            assertNull(s.stderr());
            try (OutputStream in = s.stdin()) {
                in.write("ping\n".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("ping\n", new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, s.exitCode().get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void ttyHasNoSeparateStderr() throws Exception {
        try (StreamSession s = exec(new StdioOptions(true, false, true, false), "sh", "-c", "test -t 1 && echo tty")) {
            assertNull(s.stderr());
            s.resize(new TerminalSize(80, 24));
            assertTrue(new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8).contains("tty"));
            assertEquals(0, s.exitCode().get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeKillsTheExec() throws Exception {
        StreamSession s = exec(new StdioOptions(false, false, true, false), "sleep", "300");
        s.close();
        s.exitCode().get(10, TimeUnit.SECONDS);
        s.close();
    }

    @Test
    void portForwardConnectsInsideTheSandbox() throws Exception {
        try (SocketChannel channel = runtime().portForward(sandboxId(), listeningPort())) {
            assertTrue(channel.isConnected() && channel.isBlocking());
            channel.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void portForwardToAClosedPortFails() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        int port = closed;
        assertThrows(IOException.class, () -> runtime().portForward(sandboxId(), port).close());
    }
}
