package io.berth.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Figures for the streaming server on loopback, printed as "BENCH ..." lines.
 * The backend is the local-process fake, so the round trip is protocol
 * overhead plus a fork/exec of a local process, not a container exec. Goals
 * (issue 7): exec round trip p50 <= 30 ms, exec output >= 100 MB/s,
 * port-forward >= 200 MB/s. The assertions are loose sanity bounds only,
 * because CI machines are shared; the printed numbers are the result.
 */
class StreamBenchmarkTest {

    private static final int ROUND_TRIPS = 200;
    private static final long EXEC_BYTES = 512L << 20;
    private static final long FORWARD_BYTES = 1L << 30;

    @Test
    void execRoundTrip() throws Exception {
        try (StreamFixture f = new StreamFixture()) {
            long[] millis = new long[ROUND_TRIPS];
            for (int i = -20; i < ROUND_TRIPS; i++) {
                long start = System.nanoTime();
                StdioOptions stdio = new StdioOptions(false, false, true, true);
                try (SpdyTestClient c = SpdyTestClient.connect(f.exec(stdio, "echo", "hi"), "v4.channel.k8s.io")) {
                    var error = c.open("error");
                    var stdout = c.open("stdout");
                    c.open("stderr");
                    assertEquals("hi\n", new String(stdout.readAll(10_000), StandardCharsets.UTF_8));
                    assertTrue(new String(error.readAll(10_000), StandardCharsets.UTF_8).contains("Success"));
                }
                if (i >= 0) {
                    millis[i] = (System.nanoTime() - start) / 1_000;
                }
            }
            Arrays.sort(millis);
            System.out.printf("BENCH exec round trip (echo hi, SPDY v4, no tty, %d runs): p50 %.2f ms, p90 %.2f ms,"
                    + " p99 %.2f ms%n", ROUND_TRIPS, millis[ROUND_TRIPS / 2] / 1000.0,
                    millis[ROUND_TRIPS * 9 / 10] / 1000.0, millis[ROUND_TRIPS * 99 / 100] / 1000.0);
            assertTrue(millis[ROUND_TRIPS / 2] < 500_000, "p50 above 500 ms");
        }
    }

    @Test
    void execOutputThroughput() throws Exception {
        try (StreamFixture f = new StreamFixture()) {
            StdioOptions stdio = new StdioOptions(false, false, true, false);
            String url = f.exec(stdio, "head", "-c", Long.toString(EXEC_BYTES), "/dev/zero");
            try (SpdyTestClient c = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
                var error = c.open("error");
                var stdout = c.open("stdout");
                stdout.discard();
                long start = System.nanoTime();
                stdout.readAll(120_000);
                double seconds = (System.nanoTime() - start) / 1e9;
                assertEquals(EXEC_BYTES, stdout.discarded());
                assertTrue(new String(error.readAll(10_000), StandardCharsets.UTF_8).contains("Success"));
                double mbps = EXEC_BYTES / 1e6 / seconds;
                System.out.printf("BENCH exec output throughput (SPDY v4, %d MiB): %.0f MB/s%n", EXEC_BYTES >> 20, mbps);
                assertTrue(mbps > 10, "below 10 MB/s");
            }
        }
    }

    @Test
    void portForwardThroughput() throws Exception {
        try (StreamFixture f = new StreamFixture(); EchoServer source = EchoServer.source(FORWARD_BYTES);
                SpdyTestClient c = SpdyTestClient.connect(f.portForward(), "portforward.k8s.io")) {
            String port = Integer.toString(source.port());
            var error = c.open(Map.of("streamType", "error", "port", port, "requestID", "0"));
            error.closeWrite();
            long start = System.nanoTime();
            var data = c.open(Map.of("streamType", "data", "port", port, "requestID", "0"));
            data.discard();
            data.closeWrite();
            data.readAll(120_000);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(FORWARD_BYTES, data.discarded());
            double mbps = FORWARD_BYTES / 1e6 / seconds;
            System.out.printf("BENCH port-forward throughput (SPDY, pod to client, %d MiB): %.0f MB/s%n",
                    FORWARD_BYTES >> 20, mbps);
            assertTrue(mbps > 10, "below 10 MB/s");
        }
    }
}
