package io.berth.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exec and port-forward over WebSocket with the JDK's client. */
class WebSocketStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int ERROR = 3;
    private static final int RESIZE = 4;
    private StreamFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new StreamFixture();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void v5ExecReportsOutputAndSuccessThenClosesNormally() throws Exception {
        try (WsTestClient c = WsTestClient.connect(fixture.exec(StreamFixture.out(), "sh", "-c",
                "echo hi; echo oops >&2"), "v5.channel.k8s.io", "v4.channel.k8s.io")) {
            assertEquals("v5.channel.k8s.io", c.subprotocol());
            assertEquals(1000, c.awaitClose(30_000));
            assertEquals(STDOUT, c.messageChannels().get(0), "the first message announces the session on stdout");
            assertEquals("hi\n", c.text(STDOUT));
            assertEquals("oops\n", c.text(STDERR));
            assertEquals("{\"metadata\":{},\"status\":\"Success\"}", c.text(ERROR));
        }
    }

    @Test
    void v5CloseChannelIsStdinEof() throws Exception {
        StdioOptions stdio = new StdioOptions(false, true, true, false);
        try (WsTestClient c = WsTestClient.connect(fixture.exec(stdio, "cat"), "v5.channel.k8s.io")) {
            c.send(STDIN, "hello\n");
            c.closeChannel(STDIN);
            assertEquals(1000, c.awaitClose(30_000));
            assertEquals("hello\n", c.text(STDOUT));
            assertTrue(c.text(ERROR).contains("Success"));
        }
    }

    @Test
    void v4ReportsTheExitCode() throws Exception {
        try (WsTestClient c = WsTestClient.connect(fixture.exec(StreamFixture.out(), "sh", "-c", "exit 42"),
                "v4.channel.k8s.io")) {
            c.awaitClose(30_000);
            JsonNode status = JSON.readTree(c.text(ERROR));
            assertEquals("NonZeroExitCode", status.get("reason").asText());
            assertEquals("42", status.get("details").get("causes").get(0).get("message").asText());
        }
    }

    @Test
    void v4Base64CarriesTextFrames() throws Exception {
        try (WsTestClient c = WsTestClient.connect(fixture.exec(StreamFixture.out(), "printf", "a\\000b"),
                "v4.base64.channel.k8s.io")) {
            c.awaitClose(30_000);
            assertEquals("a\0b", c.text(STDOUT));
            assertTrue(c.text(ERROR).contains("Success"));
        }
    }

    @Test
    void v1ChannelProtocolSendsPlainErrorText() throws Exception {
        try (WsTestClient c = WsTestClient.connect(fixture.exec(StreamFixture.out(), "sh", "-c", "exit 3"),
                "channel.k8s.io")) {
            c.awaitClose(30_000);
            assertTrue(c.text(ERROR).startsWith("command terminated with non-zero exit code"), c.text(ERROR));
        }
    }

    @Test
    void resizeOverWebSocket() throws Exception {
        StdioOptions stdio = new StdioOptions(true, true, true, false);
        try (WsTestClient c = WsTestClient.connect(fixture.exec(stdio, "sh", "-c", "read x; stty size"),
                "v5.channel.k8s.io")) {
            c.send(RESIZE, "{\"Width\":120,\"Height\":33}");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (fixture.runtime.resizes.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            c.send(STDIN, "go\n");
            c.closeChannel(STDIN);
            c.awaitClose(30_000);
            assertTrue(c.text(STDOUT).contains("33 120"), c.text(STDOUT));
        }
    }

    @Test
    void unsupportedSubprotocolIs403() {
        var failure = assertThrows(ExecutionException.class,
                () -> WsTestClient.connect(fixture.exec(StreamFixture.out(), "true"), "v9.channel.k8s.io"));
        var handshake = assertInstanceOf(WebSocketHandshakeException.class, failure.getCause());
        assertEquals(403, handshake.getResponse().statusCode());
    }

    @Test
    void clientDisconnectKillsTheExec() throws Exception {
        WsTestClient c = WsTestClient.connect(fixture.exec(StreamFixture.out(), "sleep", "300"),
                "v5.channel.k8s.io");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fixture.runtime.execs.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Process exec = fixture.runtime.execs.get(0);
        c.abort();
        assertTrue(exec.waitFor(10, TimeUnit.SECONDS), "exec still running after the client left");
    }

    @Test
    void portForwardAnnouncesThePortOnBothChannelsAndEchoes() throws Exception {
        try (EchoServer echo = new EchoServer();
                WsTestClient c = WsTestClient.connect(fixture.portForward() + "?port=" + echo.port(),
                        "v4.channel.k8s.io")) {
            byte[] port = {(byte) echo.port(), (byte) (echo.port() >>> 8)};
            c.send(0, "ping");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.bytes(0).length < 6 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            byte[] data = c.bytes(0);
            assertEquals(6, data.length);
            assertEquals(Arrays.toString(port), Arrays.toString(Arrays.copyOf(data, 2)));
            assertEquals("ping", new String(data, 2, 4, StandardCharsets.UTF_8));
            assertEquals(Arrays.toString(port), Arrays.toString(c.bytes(1)));
        }
    }
}
