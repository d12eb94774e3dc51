package io.berth.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Port-forward over SPDY (portforward.k8s.io) to a TCP echo server on loopback. */
class SpdyPortForwardTest {

    private StreamFixture fixture;
    private EchoServer echo;

    @BeforeEach
    void start() throws Exception {
        fixture = new StreamFixture();
        echo = new EchoServer();
    }

    @AfterEach
    void stop() throws Exception {
        echo.close();
        fixture.close();
    }

    /** One forwarded connection the way client-go opens it: error stream, then data stream. */
    static byte[] roundTrip(SpdyTestClient c, int port, String requestId, byte[] payload, StringBuilder errors)
            throws IOException {
        var error = c.open(Map.of("streamType", "error", "port", Integer.toString(port), "requestID", requestId));
        error.closeWrite();
        var data = c.open(Map.of("streamType", "data", "port", Integer.toString(port), "requestID", requestId));
        for (int off = 0; off < payload.length; off += 32 * 1024) {
            data.write(java.util.Arrays.copyOfRange(payload, off, Math.min(payload.length, off + 32 * 1024)));
        }
        data.closeWrite();
        byte[] back = data.readAll(60_000);
        errors.append(new String(error.readAll(60_000), StandardCharsets.UTF_8));
        return back;
    }

    @Test
    void forwardsToTheEchoServer() throws Exception {
        try (SpdyTestClient c = SpdyTestClient.connect(fixture.portForward(echo.port()), "portforward.k8s.io")) {
            StringBuilder errors = new StringBuilder();
            byte[] back = roundTrip(c, echo.port(), "0", "hello".getBytes(StandardCharsets.UTF_8), errors);
            assertEquals("hello", new String(back, StandardCharsets.UTF_8));
            assertEquals("", errors.toString());
        }
    }

    @Test
    void fiveParallelConnectionsOverOneSession() throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try (pool; SpdyTestClient c = SpdyTestClient.connect(fixture.portForward(), "portforward.k8s.io")) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                byte[] payload = new byte[1 << 20];
                new Random(i).nextBytes(payload);
                String id = Integer.toString(i);
                Callable<Boolean> task = () -> {
                    StringBuilder errors = new StringBuilder();
                    byte[] back = roundTrip(c, echo.port(), id, payload, errors);
                    assertArrayEquals(payload, back);
                    return errors.isEmpty();
                };
                results.add(pool.submit(task));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
        }
    }

    @Test
    void dialFailureIsWrittenToTheErrorStream() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (SpdyTestClient c = SpdyTestClient.connect(fixture.portForward(), "portforward.k8s.io")) {
            StringBuilder errors = new StringBuilder();
            roundTrip(c, closedPort, "7", new byte[0], errors);
            assertTrue(errors.toString().startsWith("error forwarding port " + closedPort + " to pod s1"),
                    errors.toString());
        }
    }

    @Test
    void portsOutsideTheRequestAreRefused() throws Exception {
        try (SpdyTestClient c = SpdyTestClient.connect(fixture.portForward(echo.port()), "portforward.k8s.io")) {
            int other = echo.port() == 65535 ? 1 : echo.port() + 1;
            assertThrows(IOException.class, () -> c.open(Map.of("streamType", "data", "port",
                    Integer.toString(other), "requestID", "1")));
            assertThrows(IOException.class, () -> c.open(Map.of("streamType", "data", "requestID", "2")));
        }
    }
}
