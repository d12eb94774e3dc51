package io.berth.runtime.stream;

import io.berth.runtime.config.StreamConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [stream] tls_cert/tls_key: https URLs and SPDY exec over TLS. */
class StreamTlsTest {

    @Test
    void execOverTls(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl failed");
        StreamConfig d = StreamConfig.defaults();
        StreamConfig tls = new StreamConfig(d.address(), 0, cert.toString(), key.toString(), d.tokenTtlSeconds(),
                d.maxPendingTokens(), d.streamCreationTimeoutSeconds(), d.idleTimeoutSeconds());
        try (StreamFixture f = new StreamFixture(tls)) {
            String url = f.exec(StreamFixture.out(), "echo", "secure");
            assertTrue(url.startsWith("https://127.0.0.1:"), url);
            try (SpdyTestClient c = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
                var error = c.open("error");
                var stdout = c.open("stdout");
                c.open("stderr");
                assertEquals("secure\n", new String(stdout.readAll(30_000), StandardCharsets.UTF_8));
                assertTrue(new String(error.readAll(30_000), StandardCharsets.UTF_8).contains("Success"));
            }
        }
    }
}
