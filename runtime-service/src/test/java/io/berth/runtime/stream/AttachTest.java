package io.berth.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Attach over SPDY to a running "container" (a local process) that prints and reads. */
class AttachTest {

    @Test
    void attachSeesOutputFeedsStdinAndDetachesWithoutKilling() throws Exception {
        try (StreamFixture f = new StreamFixture()) {
            Process container = f.runtime.startContainer("c1", "sh", "-c",
                    "while read line; do echo \"got $line\"; done; echo bye");
            StdioOptions stdio = new StdioOptions(false, true, true, false);
            String url = f.service().attachUrl(new AttachStreamRequest("c1", stdio));
            try (SpdyTestClient c = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
                var error = c.open("error");
                var stdin = c.open("stdin");
                var stdout = c.open("stdout");
                stdin.write("one\n".getBytes(StandardCharsets.UTF_8));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (stdout.size() < "got one\n".length() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals("got one\n", new String(stdout.snapshot(), StandardCharsets.UTF_8));
                stdin.closeWrite();
                assertEquals("got one\nbye\n", new String(stdout.readAll(10_000), StandardCharsets.UTF_8));
                assertEquals("{\"metadata\":{},\"status\":\"Success\"}",
                        new String(error.readAll(10_000), StandardCharsets.UTF_8));
            }
            assertTrue(container.waitFor(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void clientLeavingAnAttachLeavesTheContainerRunning() throws Exception {
        try (StreamFixture f = new StreamFixture()) {
            Process container = f.runtime.startContainer("c2", "sh", "-c", "while true; do echo tick; sleep 0.1; done");
            String url = f.service().attachUrl(new AttachStreamRequest("c2", new StdioOptions(false, false, true, false)));
            SpdyTestClient c = SpdyTestClient.connect(url, "v4.channel.k8s.io");
            c.open("error");
            var stdout = c.open("stdout");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (stdout.size() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(new String(stdout.snapshot(), StandardCharsets.UTF_8).startsWith("tick"));
            c.abort();
            Thread.sleep(300);
            assertTrue(container.isAlive(), "detaching must not stop the container");
        }
    }

    @Test
    void attachToAMissingContainerReportsAnInternalError() throws Exception {
        try (StreamFixture f = new StreamFixture()) {
            String url = f.service().attachUrl(new AttachStreamRequest("gone", StreamFixture.out()));
            try (SpdyTestClient c = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
                var error = c.open("error");
                c.open("stdout");
                c.open("stderr");
                String status = new String(error.readAll(10_000), StandardCharsets.UTF_8);
                assertTrue(status.contains("\"reason\":\"InternalError\"") && status.contains("container gone"), status);
            }
        }
    }
}
