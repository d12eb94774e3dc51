package io.berth.runtime.stream.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.NotFoundException;
import io.berth.runtime.stream.AttachStreamRequest;
import io.berth.runtime.stream.ExecStreamRequest;
import io.berth.runtime.stream.StdioOptions;
import io.berth.runtime.stream.StreamRuntime;
import io.berth.runtime.stream.StreamRuntimeContract;
import io.berth.runtime.stream.StreamSession;
import io.berth.runtime.stream.TerminalSize;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming runtime against runc, berth-shim, a busybox container and a real network namespace. */
class ShimStreamRuntimeIT extends StreamRuntimeContract {

    private static final StdioOptions OUT_ERR = new StdioOptions(false, false, true, true);
    private static final int TEN_MB = 10 << 20;
    private static StreamWorld world;
    private static ShimStreamRuntime runtime;

    @BeforeAll
    static void startWorld() throws Exception {
        world = new StreamWorld();
        try {
            world.start();
        } catch (Exception e) {
            world.close();
            throw e;
        }
        runtime = new ShimStreamRuntime(world);
    }

    @AfterAll
    static void stopWorld() throws Exception {
        if (world != null) {
            world.close();
        }
    }

    @Override
    protected StreamRuntime runtime() {
        return runtime;
    }

    @Override
    protected String containerId() {
        return StreamWorld.CONTAINER;
    }

    @Override
    protected String sandboxId() {
        return StreamWorld.POD;
    }

    @Override
    protected int listeningPort() {
        return world.podPort;
    }

    private static StreamSession exec(StdioOptions stdio, String... cmd) throws Exception {
        return runtime.exec(new ExecStreamRequest(StreamWorld.CONTAINER, List.of(cmd), stdio));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 42})
    void exitCodesComeFromTheShim(int code) throws Exception {
        try (StreamSession s = exec(OUT_ERR, "sh", "-c", "echo hi; exit " + code)) {
            assertEquals("hi\n", new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(code, s.exitCode().get(30, TimeUnit.SECONDS));
        }
    }

    /** 10 MB without a stall or a loss: the exec's pipes hold the process back, nothing drops output. */
    @Test
    void tenMegabytesArriveWhole() throws Exception {
        try (StreamSession s = exec(OUT_ERR, "head", "-c", Integer.toString(TEN_MB), "/dev/zero")) {
            assertEquals(TEN_MB, count(s.stdout()));
            assertEquals(0, s.exitCode().get(60, TimeUnit.SECONDS));
        }
    }

    /**
     * A reader that starts late sees everything from the first byte: the exec waits for it (output
     * starts at once, so any output before the reader was there would be missing) and is held back
     * while the reader lags, far beyond every buffer on the way.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLateSlowReaderLosesNothing(boolean tty) throws Exception {
        StdioOptions stdio = new StdioOptions(tty, false, true, false);
        try (StreamSession s = exec(stdio, "sh", "-c", "echo first; head -c " + TEN_MB + " /dev/zero; echo last")) {
            Thread.sleep(2000);
            byte[] first = s.stdout().readNBytes(tty ? 7 : 6);
            assertEquals(tty ? "first\r\n" : "first\n", new String(first, StandardCharsets.UTF_8));
            long rest = count(s.stdout());
            assertEquals(TEN_MB + (tty ? 6 : 5), rest);
            assertEquals(0, s.exitCode().get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void aCommandTheRuntimeCannotStartIsAnErrorNotAnExitCode() throws Exception {
        try (StreamSession s = exec(OUT_ERR, "no-such-binary")) {
            assertEquals(0, s.stdout().readAllBytes().length);
            assertEquals(0, s.stderr().readAllBytes().length, "the runtime's text is the error, not stderr");
            ExecutionException e = assertThrows(ExecutionException.class, () -> s.exitCode().get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("no-such-binary"), e.getCause().getMessage());
        }
    }

    /** A prompt on stderr reaches the client while the process waits for input (stderr is held only until it runs). */
    @Test
    void stderrFlowsBeforeAnyInput() throws Exception {
        try (StreamSession s = exec(new StdioOptions(false, true, true, true), "sh", "-c",
                "echo prompt >&2; read x; echo got:$x")) {
            CompletableFuture<byte[]> prompt = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.stderr().readNBytes(7);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertEquals("prompt\n", new String(prompt.get(20, TimeUnit.SECONDS), StandardCharsets.UTF_8));
            try (var in = s.stdin()) {
                in.write("yes\n".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("got:yes\n", new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, s.exitCode().get(30, TimeUnit.SECONDS));
        }
    }

    /** The shim waits for an ATTACH even when the client wants no output (ATTACH with no stream). */
    @Test
    void aTtyExecWithOnlyStdinRuns() throws Exception {
        try (StreamSession s = exec(new StdioOptions(true, true, false, false), "sh", "-c", "read x; exit 7")) {
            assertEquals(null, s.stdout());
            s.stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
            s.stdin().flush();
            assertEquals(7, s.exitCode().get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void resizeIsSeenByStty() throws Exception {
        try (StreamSession s = exec(new StdioOptions(true, false, true, false), "sh", "-c", "sleep 1; stty size")) {
            s.resize(new TerminalSize(123, 45));
            String out = new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out.contains("45 123"), out);
            assertEquals(0, s.exitCode().get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void ttyStdinReachesAShell() throws Exception {
        try (StreamSession s = exec(new StdioOptions(true, true, true, false), "sh")) {
            s.stdin().write("echo $((6*7)); exit 3\n".getBytes(StandardCharsets.UTF_8));
            s.stdin().flush();
            String out = new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out.contains("42"), out);
            assertEquals(3, s.exitCode().get(30, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void clientGoneKillsTheWholeExecTree(boolean tty) throws Exception {
        String marker = Long.toString(3000 + (System.nanoTime() % 5000));
        StreamSession s = exec(new StdioOptions(tty, false, true, false), "sh", "-c",
                "sleep 1" + marker + " & sleep 2" + marker + "; echo never");
        List<ProcessHandle> sleepers = StreamWorld.awaitProcesses("sleep [12]" + marker, 2);
        s.close();
        assertTrue(s.exitCode().isDone());
        for (ProcessHandle p : sleepers) {
            assertTrue(StreamWorld.awaitGone(p.pid(), Duration.ofSeconds(10)), "pid " + p.pid() + " survived");
        }
    }

    @Test
    void attachSeesOutputAndFeedsStdinAndOnlyDetaches() throws Exception {
        StreamSession s = runtime.attach(new AttachStreamRequest(StreamWorld.CONTAINER,
                new StdioOptions(false, true, true, true)));
        try {
            s.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
            s.stdin().flush();
            byte[] want = "got:hello\n".getBytes(StandardCharsets.UTF_8);
            byte[] got = s.stdout().readNBytes(want.length);
            assertEquals("got:hello\n", new String(got, StandardCharsets.UTF_8));
            s.stdin().close();
        } finally {
            s.close();
        }
        assertFalse(s.exitCode().isDone() && !s.exitCode().isCompletedExceptionally(), "no exit code after a detach");
        Thread.sleep(200);
        assertFalse(StreamWorld.isGone(world.shimPid()), "the container keeps running after a detach");
    }

    @Test
    void fiveParallelForwardsInsideThePod() throws Exception {
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String msg = "conn-" + i + "-" + "x".repeat(100_000);
            results.add(CompletableFuture.supplyAsync(() -> roundTrip(StreamWorld.POD, world.podPort, msg)));
        }
        for (int i = 0; i < 5; i++) {
            assertTrue(results.get(i).get(60, TimeUnit.SECONDS).startsWith("conn-" + i + "-"));
        }
    }

    @Test
    void theHostPortIsNotReachableFromThePod() {
        // The host's echo server listens on the host's loopback only; inside the pod that port is closed.
        assertThrows(java.io.IOException.class, () -> runtime.portForward(StreamWorld.POD, world.hostPort).close());
    }

    @Test
    void hostNetworkPodsDialOnTheHost() {
        assertEquals("host", roundTrip(StreamWorld.HOST_POD, world.hostPort, "host"));
    }

    @Test
    void unknownIdsAreNotFound() {
        ServiceStreamTargets targets = new ServiceStreamTargets(world);
        assertThrows(NotFoundException.class, () -> targets.requireRunningContainer("nosuch"));
        assertThrows(NotFoundException.class, () -> targets.requireReadySandbox("nosuch"));
        assertEquals(world.containerId, targets.requireRunningContainer(StreamWorld.CONTAINER));
    }

    private static String roundTrip(String pod, int port, String msg) {
        try (SocketChannel ch = runtime.portForward(pod, port)) {
            byte[] bytes = msg.getBytes(StandardCharsets.UTF_8);
            ch.write(ByteBuffer.wrap(bytes));
            ByteBuffer back = ByteBuffer.allocate(bytes.length);
            while (back.hasRemaining() && ch.read(back) >= 0) {
                // read until the echo is complete
            }
            return new String(back.array(), 0, back.position(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long count(InputStream in) throws java.io.IOException {
        byte[] buf = new byte[64 << 10];
        long n = 0;
        for (int r; (r = in.read(buf)) >= 0; ) {
            n += r;
        }
        return n;
    }
}
