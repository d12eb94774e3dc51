package io.berth.runtime.stream;

import io.berth.runtime.config.StreamConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP side of the streaming server: URLs, tokens and protocol negotiation. */
class StreamHttpTest {

    @Test
    void urlsAreAbsoluteWithHostAndPort() throws Exception {
        try (StreamFixture f = new StreamFixture()) {
            URI exec = URI.create(f.exec(StreamFixture.out(), "true"));
            assertEquals("http", exec.getScheme());
            assertEquals("127.0.0.1", exec.getHost());
            assertEquals(f.server.port(), exec.getPort());
            assertTrue(exec.getPath().matches("/exec/[A-Za-z0-9_-]{20,}"), exec.getPath());
            assertTrue(URI.create(f.portForward(80)).getPath().startsWith("/portforward/"));
            assertTrue(URI.create(f.service().attachUrl(new AttachStreamRequest("c1", StreamFixture.out())))
                    .getPath().startsWith("/attach/"));
        }
    }

    @Test
    void unknownUsedAndMisroutedTokensAre404() throws Exception {
        try (StreamFixture f = new StreamFixture()) {
            String url = f.exec(StreamFixture.out(), "true");
            assertStatus(404, url.replaceAll("/exec/.*", "/exec/no-such-token"));
            SpdyTestClient.connect(url, "v4.channel.k8s.io").close();
            assertStatus(404, url);
            String forward = f.portForward(80);
            assertStatus(404, forward.replace("/portforward/", "/exec/"));
            assertStatus(404, forward);
        }
    }

    @Test
    void expiredTokenIs404() throws Exception {
        StreamConfig d = StreamConfig.defaults();
        StreamConfig oneSecond = new StreamConfig(d.address(), 0, "", "", 1, d.maxPendingTokens(),
                d.streamCreationTimeoutSeconds(), d.idleTimeoutSeconds());
        try (StreamFixture f = new StreamFixture(oneSecond)) {
            String url = f.exec(StreamFixture.out(), "true");
            Thread.sleep(1100);
            assertStatus(404, url);
        }
    }

    @Test
    void noCommonProtocolIs403ListingWhatTheServerAccepts() throws Exception {
        try (StreamFixture f = new StreamFixture()) {
            var refused = assertThrows(SpdyTestClient.UpgradeRefused.class,
                    () -> SpdyTestClient.connect(f.exec(StreamFixture.out(), "true"), "v9.channel.k8s.io"));
            assertEquals(403, refused.status);
            assertEquals(List.of("v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"),
                    refused.headers.get("x-accepted-stream-protocol-versions"));
            var pf = assertThrows(SpdyTestClient.UpgradeRefused.class,
                    () -> SpdyTestClient.connect(f.portForward(80), "v4.channel.k8s.io"));
            assertEquals(403, pf.status);
        }
    }

    @Test
    void clientOrderDecidesTheProtocol() throws Exception {
        try (StreamFixture f = new StreamFixture();
                SpdyTestClient c = SpdyTestClient.connect(f.exec(StreamFixture.out(), "true"),
                        "v9.channel.k8s.io", "v2.channel.k8s.io", "v4.channel.k8s.io")) {
            assertEquals("v2.channel.k8s.io", c.protocol());
        }
    }

    @Test
    void clientGoOffersV5FirstOverSpdyAndGetsV4() throws Exception {
        try (StreamFixture f = new StreamFixture();
                SpdyTestClient c = SpdyTestClient.connect(f.exec(StreamFixture.out(), "true"), "v5.channel.k8s.io",
                        "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io")) {
            assertEquals("v4.channel.k8s.io", c.protocol());
        }
    }

    @Test
    void missingProtocolHeaderIs400() throws Exception {
        try (StreamFixture f = new StreamFixture()) {
            var refused = assertThrows(SpdyTestClient.UpgradeRefused.class,
                    () -> SpdyTestClient.connect(f.exec(StreamFixture.out(), "true")));
            assertEquals(400, refused.status);
        }
    }

    @Test
    void pendingTokensAreCapped() throws Exception {
        StreamConfig d = StreamConfig.defaults();
        StreamConfig two = new StreamConfig(d.address(), 0, "", "", 60, 2, 30, 60);
        try (StreamFixture f = new StreamFixture(two)) {
            f.exec(StreamFixture.out(), "true");
            f.exec(StreamFixture.out(), "true");
            assertThrows(io.berth.common.error.ResourceExhaustedException.class,
                    () -> f.exec(StreamFixture.out(), "true"));
        }
    }

    private static void assertStatus(int expected, String url) throws Exception {
        var refused = assertThrows(SpdyTestClient.UpgradeRefused.class,
                () -> SpdyTestClient.connect(url, "v4.channel.k8s.io"));
        assertEquals(expected, refused.status, url);
    }
}
