package io.berth.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exec over SPDY/3.1 with an independent client that behaves like client-go. */
class SpdyExecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private StreamFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new StreamFixture();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /** Streams in client-go's order: error, stdin, stdout, stderr, resize. */
    record Session(SpdyTestClient client, SpdyTestClient.Stream error, SpdyTestClient.Stream stdin,
            SpdyTestClient.Stream stdout, SpdyTestClient.Stream stderr, SpdyTestClient.Stream resize)
            implements AutoCloseable {

        @Override
        public void close() throws java.io.IOException {
            client.close();
        }

        static Session open(String url, StdioOptions stdio, String protocol) throws Exception {
            SpdyTestClient c = SpdyTestClient.connect(url, protocol);
            var error = c.open("error");
            var stdin = stdio.stdin() ? c.open("stdin") : null;
            var stdout = stdio.stdout() ? c.open("stdout") : null;
            var stderr = stdio.stderr() ? c.open("stderr") : null;
            var resize = stdio.tty() && !protocol.startsWith("v2") ? c.open("resize") : null;
            return new Session(c, error, stdin, stdout, stderr, resize);
        }

        String out() throws Exception {
            return new String(stdout.readAll(30_000), StandardCharsets.UTF_8);
        }

        String err() throws Exception {
            return new String(stderr.readAll(30_000), StandardCharsets.UTF_8);
        }

        String status() throws Exception {
            return new String(error.readAll(30_000), StandardCharsets.UTF_8);
        }
    }

    @Test
    void execWithoutTtySeparatesStdoutAndStderrAndReportsSuccess() throws Exception {
        Session s = Session.open(fixture.exec(StreamFixture.out(), "sh", "-c", "echo hi; echo oops >&2"),
                StreamFixture.out(), "v4.channel.k8s.io");
        try (s) {
            assertEquals("v4.channel.k8s.io", s.client().protocol());
            assertEquals("hi\n", s.out());
            assertEquals("oops\n", s.err());
            assertEquals("{\"metadata\":{},\"status\":\"Success\"}", s.status());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 42})
    void exitCodeIsReportedAsV4Status(int code) throws Exception {
        Session s = Session.open(fixture.exec(StreamFixture.out(), "sh", "-c", "exit " + code),
                StreamFixture.out(), "v4.channel.k8s.io");
        try (s) {
            JsonNode status = JSON.readTree(s.status());
            if (code == 0) {
                assertEquals("Success", status.get("status").asText());
                return;
            }
            assertEquals("Failure", status.get("status").asText());
            assertEquals("NonZeroExitCode", status.get("reason").asText());
            JsonNode cause = status.get("details").get("causes").get(0);
            assertEquals("ExitCode", cause.get("reason").asText());
            assertEquals(Integer.toString(code), cause.get("message").asText());
        }
    }

    @Test
    void olderProtocolsGetPlainTextErrorsAndNothingOnSuccess() throws Exception {
        Session failed = Session.open(fixture.exec(StreamFixture.out(), "sh", "-c", "exit 42"),
                StreamFixture.out(), "v3.channel.k8s.io");
        try (failed) {
            assertTrue(failed.status().startsWith("command terminated with non-zero exit code"), failed.status());
        }
        Session ok = Session.open(fixture.exec(StreamFixture.out(), "true"), StreamFixture.out(),
                "v2.channel.k8s.io");
        try (ok) {
            assertEquals("", ok.status());
        }
    }

    @Test
    void stdinReachesTheProcessAndFinIsEof() throws Exception {
        StdioOptions stdio = new StdioOptions(false, true, true, false);
        Session s = Session.open(fixture.exec(stdio, "cat"), stdio, "v4.channel.k8s.io");
        try (s) {
            s.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
            s.stdin().write("world\n".getBytes(StandardCharsets.UTF_8));
            s.stdin().closeWrite();
            assertEquals("hello\nworld\n", s.out());
            assertTrue(s.status().contains("Success"));
        }
    }

    @Test
    void ttyMergesOutputThroughATerminal() throws Exception {
        StdioOptions stdio = new StdioOptions(true, false, true, false);
        Session s = Session.open(fixture.exec(stdio, "sh", "-c", "echo hi; echo err >&2; test -t 1"), stdio,
                "v4.channel.k8s.io");
        try (s) {
            String out = s.out();
            assertTrue(out.contains("hi\r\n") && out.contains("err\r\n"), out);
            assertTrue(s.status().contains("Success"), "stdout must be a terminal");
        }
    }

    @Test
    void resizeReachesTheTerminal() throws Exception {
        StdioOptions stdio = new StdioOptions(true, true, true, false);
        Session s = Session.open(fixture.exec(stdio, "sh", "-c", "read x; stty size"), stdio, "v4.channel.k8s.io");
        try (s) {
            s.resize().write("{\"Width\":100,\"Height\":40}\n".getBytes(StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (fixture.runtime.resizes.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(new TerminalSize(100, 40), fixture.runtime.resizes.get(0));
            s.stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
            // The test backend's pty (util-linux script) waits for stdin EOF before it exits.
            s.stdin().closeWrite();
            String out = s.out();
            assertTrue(out.contains("40 100"), out);
        }
    }

    @Test
    void tenMegabytesOfOutputFlowWithoutWindowUpdates() throws Exception {
        int size = 10 << 20;
        Session s = Session.open(fixture.exec(StreamFixture.out(), "head", "-c", Integer.toString(size),
                "/dev/urandom"), StreamFixture.out(), "v4.channel.k8s.io");
        try (s) {
            assertEquals(size, s.stdout().readAll(60_000).length);
            assertTrue(s.status().contains("Success"));
            assertEquals(0, s.client().windowUpdatesSent);
        }
    }

    @Test
    void clientDisconnectKillsTheExec() throws Exception {
        Session s = Session.open(fixture.exec(StreamFixture.out(), "sleep", "300"), StreamFixture.out(),
                "v4.channel.k8s.io");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fixture.runtime.execs.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Process exec = fixture.runtime.execs.get(0);
        assertTrue(exec.isAlive());
        s.client().abort();
        assertTrue(exec.waitFor(10, TimeUnit.SECONDS), "exec still running after the client left");
    }

    @Test
    void serverWaitsForTheClientToCloseAfterTheOutcome() throws Exception {
        Session s = Session.open(fixture.exec(StreamFixture.out(), "echo", "hi"), StreamFixture.out(),
                "v4.channel.k8s.io");
        try (s) {
            s.status();
            assertFalse(s.client().awaitServerClose(500), "the server closed before the client did");
        }
    }

    @Test
    void pingIsEchoed() throws Exception {
        Session s = Session.open(fixture.exec(StreamFixture.out(), "echo", "hi"), StreamFixture.out(),
                "v4.channel.k8s.io");
        try (s) {
            s.client().ping(1);
            assertEquals("hi\n", s.out());
        }
    }
}
