package io.berth.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.runtime.config.StreamConfig;
import io.berth.runtime.stream.SpdyExecTest.Session;
import io.berth.runtime.stream.runtime.ShimStreamRuntime;
import io.berth.runtime.stream.runtime.StreamWorld;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming server end to end against a real container (runc, berth-shim,
 * busybox) and a real pod network namespace, driven by the independent SPDY
 * and WebSocket test clients as kubectl and crictl would.
 */
class ContainerStreamIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V4 = "v4.channel.k8s.io";
    private static final StdioOptions OUT_ERR = new StdioOptions(false, false, true, true);
    private static StreamWorld world;
    private static StreamServer server;

    @BeforeAll
    static void start() throws Exception {
        world = new StreamWorld();
        try {
            world.start();
            server = new StreamServer(StreamConfig.defaults(), new ShimStreamRuntime(world)).start();
        } catch (Exception e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (world != null) {
            world.close();
        }
    }

    private static String execUrl(StdioOptions stdio, String... cmd) {
        return server.service().execUrl(new ExecStreamRequest(StreamWorld.CONTAINER, List.of(cmd), stdio));
    }

    private static Session exec(StdioOptions stdio, String... cmd) throws Exception {
        return Session.open(execUrl(stdio, cmd), stdio, V4);
    }

    @Test
    void execWithoutTtySeparatesStdoutAndStderr() throws Exception {
        try (Session s = exec(OUT_ERR, "sh", "-c", "echo hi; echo oops >&2")) {
            assertEquals("hi\n", s.out());
            assertEquals("oops\n", s.err());
            assertEquals("{\"metadata\":{},\"status\":\"Success\"}", s.status());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 42})
    void exitCodesWithAndWithoutTty(int code) throws Exception {
        for (StdioOptions stdio : List.of(OUT_ERR, new StdioOptions(true, false, true, false))) {
            try (Session s = exec(stdio, "sh", "-c", "echo x; exit " + code)) {
                assertTrue(s.out().startsWith("x"));
                JsonNode status = JSON.readTree(s.status());
                if (code == 0) {
                    assertEquals("Success", status.get("status").asText());
                    continue;
                }
                assertEquals("NonZeroExitCode", status.get("reason").asText(), status.toString());
                assertEquals(Integer.toString(code),
                        status.get("details").get("causes").get(0).get("message").asText());
            }
        }
    }

    @Test
    void stdinReachesTheProcessAndFinIsEof() throws Exception {
        StdioOptions stdio = new StdioOptions(false, true, true, false);
        try (Session s = exec(stdio, "cat")) {
            s.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
            s.stdin().closeWrite();
            assertEquals("hello\n", s.out());
            assertTrue(s.status().contains("Success"));
        }
    }

    @Test
    void ttyStdoutIsATerminal() throws Exception {
        StdioOptions stdio = new StdioOptions(true, false, true, false);
        try (Session s = exec(stdio, "sh", "-c", "test -t 0 && test -t 1 && echo tty")) {
            assertEquals("tty\r\n", s.out());
            assertTrue(s.status().contains("Success"));
        }
    }

    /** The client never sends WINDOW_UPDATE, as Go's does not. */
    @Test
    void tenMegabytesWithoutAStall() throws Exception {
        int size = 10 << 20;
        try (Session s = exec(OUT_ERR, "head", "-c", Integer.toString(size), "/dev/zero")) {
            assertEquals(size, s.stdout().readAll(120_000).length);
            assertTrue(s.status().contains("Success"));
        }
    }

    @Test
    void resizeIsSeenBySttySize() throws Exception {
        StdioOptions stdio = new StdioOptions(true, true, true, false);
        try (Session s = exec(stdio, "sh", "-c", "while read x; do stty size; done")) {
            s.resize().write("{\"Width\":100,\"Height\":40}".getBytes(StandardCharsets.UTF_8));
            // Resize and stdin are separate streams: ask again until the size has landed.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!new String(s.stdout().snapshot(), StandardCharsets.UTF_8).contains("40 100")
                    && System.nanoTime() < deadline) {
                s.stdin().write("\n".getBytes(StandardCharsets.UTF_8));
                Thread.sleep(200);
            }
            s.stdin().closeWrite();
            assertTrue(s.out().contains("40 100"), s.out());
            assertTrue(s.status().contains("Success"));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void clientDisconnectKillsTheExec(boolean tty) throws Exception {
        String marker = Long.toString(3000 + (System.nanoTime() % 5000)) + (tty ? "1" : "0");
        StdioOptions stdio = new StdioOptions(tty, false, true, false);
        Session s = exec(stdio, "sh", "-c", "sleep 1" + marker + " & sleep 2" + marker + "; echo never");
        List<ProcessHandle> sleepers = StreamWorld.awaitProcesses("sleep [12]" + marker, 2);
        s.client().abort();
        for (ProcessHandle p : sleepers) {
            assertTrue(StreamWorld.awaitGone(p.pid(), Duration.ofSeconds(15)), "pid " + p.pid() + " survived");
        }
    }

    @Test
    void attachToAContainerThatPrintsAndReads() throws Exception {
        StdioOptions stdio = new StdioOptions(false, true, true, false);
        String url = server.service().attachUrl(new AttachStreamRequest(StreamWorld.CONTAINER, stdio));
        SpdyTestClient c = SpdyTestClient.connect(url, V4);
        try {
            c.open("error");
            var stdin = c.open("stdin");
            var stdout = c.open("stdout");
            stdin.write("hello\n".getBytes(StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (stdout.size() < "got:hello\n".length() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("got:hello\n", new String(stdout.snapshot(), StandardCharsets.UTF_8));
        } finally {
            c.abort();
        }
        Thread.sleep(300);
        assertFalse(StreamWorld.isGone(world.shimPid()), "detaching must leave the container running");
    }

    @Test
    void fiveParallelForwardsIntoThePod() throws Exception {
        forwardInParallel(StreamWorld.POD, world.podPort);
    }

    @Test
    void forwardsOfAHostNetworkPodDialOnTheHost() throws Exception {
        forwardInParallel(StreamWorld.HOST_POD, world.hostPort);
    }

    private static void forwardInParallel(String pod, int port) throws Exception {
        String url = server.service().portForwardUrl(new PortForwardStreamRequest(pod, List.of(port)));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try (pool; SpdyTestClient c = SpdyTestClient.connect(url, "portforward.k8s.io")) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                byte[] payload = new byte[256 << 10];
                new Random(i).nextBytes(payload);
                String id = Integer.toString(i);
                results.add(pool.submit(() -> {
                    StringBuilder errors = new StringBuilder();
                    assertArrayEquals(payload, SpdyPortForwardTest.roundTrip(c, port, id, payload, errors));
                    return errors.toString();
                }));
            }
            for (Future<String> r : results) {
                assertEquals("", r.get(60, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void webSocketV5Exec() throws Exception {
        StdioOptions stdio = new StdioOptions(false, true, true, true);
        try (WsTestClient c = WsTestClient.connect(execUrl(stdio, "sh", "-c", "cat; echo oops >&2; exit 3"),
                "v5.channel.k8s.io")) {
            assertEquals("v5.channel.k8s.io", c.subprotocol());
            c.send(0, "hello\n");
            c.closeChannel(0);
            assertEquals(1000, c.awaitClose(30_000));
            assertEquals("hello\n", c.text(1));
            assertEquals("oops\n", c.text(2));
            assertEquals("3", JSON.readTree(c.text(3)).get("details").get("causes").get(0).get("message").asText());
        }
    }

    @Test
    void webSocketV4Exec() throws Exception {
        try (WsTestClient c = WsTestClient.connect(execUrl(OUT_ERR, "sh", "-c", "echo hi; echo oops >&2"), V4)) {
            assertEquals(V4, c.subprotocol());
            c.awaitClose(30_000);
            assertEquals("hi\n", c.text(1));
            assertEquals("oops\n", c.text(2));
            assertEquals("{\"metadata\":{},\"status\":\"Success\"}", c.text(3));
        }
    }
}
