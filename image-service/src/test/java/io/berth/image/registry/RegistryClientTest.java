package io.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.UnavailableException;
import io.berth.image.config.MirrorConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.ref.ImageReference;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryClientTest {

    private static final Duration T = Duration.ofSeconds(5);
    private static final Platform AMD64 = Platform.parse("linux/amd64");
    private final TestImage image = TestImages.threeLayers(TestImage.Format.DOCKER);

    private static RegistryClient client(FakeRegistry fake, RegistryConfig cfg, Clock clock) {
        return new RegistryClient(fake, new RegistryHosts(cfg), clock);
    }

    /** A registry that wants bearer tokens from reg.test's realm, which hands out "t1", "t2", ... */
    private static FakeRegistry bearer(FakeRegistry fake, int[] issued) {
        return fake.hook(r -> {
            if (r.uri().getHost().equals("auth.test")) {
                assertTrue(r.uri().getQuery().contains("scope=repository:team/app:pull"), r.uri().toString());
                issued[0]++;
                return FakeRegistry.Answer.of(200, ("{\"token\":\"t" + issued[0] + "\",\"expires_in\":60}")
                        .getBytes(StandardCharsets.UTF_8));
            }
            String auth = r.headers().get("Authorization");
            if (auth == null || !auth.startsWith("Bearer t")) {
                return FakeRegistry.Answer.of(401, new byte[0], "WWW-Authenticate",
                        "Bearer realm=\"https://auth.test/token\",service=\"reg.test\"");
            }
            return null;
        });
    }

    @Test
    void bearerTokenIsFetchedOnceAndRenewedAfterExpiry() throws Exception {
        int[] issued = {0};
        FakeRegistry fake = bearer(new FakeRegistry().serve("team/app", "v1", image), issued);
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        RegistryClient c = client(fake, RegistryConfig.defaults(), clock);
        ImageReference ref = ImageReference.parse("reg.test/team/app:v1");
        ResolvedImage r = c.resolve(ref, Credentials.ANONYMOUS, AMD64, T);
        c.fetchConfig(r.endpoint(), ref, Credentials.ANONYMOUS, r.parsed().config(), T);
        assertEquals(1, issued[0]);
        now[0] = now[0].plusSeconds(120);
        c.fetchConfig(r.endpoint(), ref, Credentials.ANONYMOUS, r.parsed().config(), T);
        assertEquals(2, issued[0]);
        assertEquals("https", fake.requests.getFirst().uri().getScheme());
    }

    @Test
    void redirectToAnotherHostDropsAuthorization() throws Exception {
        FakeRegistry fake = new FakeRegistry().serve("team/app", "v1", image);
        String layer = image.layers().getFirst().blob().digest().toString();
        fake.hook(r -> {
            if (r.uri().getHost().equals("reg.test") && r.uri().getPath().endsWith(layer)) {
                return FakeRegistry.Answer.of(307, new byte[0], "Location", "https://cdn.test/blob?sig=1");
            }
            if (r.uri().getHost().equals("cdn.test")) {
                return FakeRegistry.Answer.of(200, image.layers().getFirst().blob().bytes());
            }
            return null;
        });
        RegistryClient c = client(fake, RegistryConfig.defaults(), Clock.systemUTC());
        Credentials creds = new Credentials(null, null, null, "registry-token");
        ImageReference ref = ImageReference.parse("reg.test/team/app:v1");
        ResolvedImage r = c.resolve(ref, creds, AMD64, T);
        try (var resp = c.openBlob(r.endpoint(), ref, creds, image.layers().getFirst().blob().digest(), T)) {
            assertEquals(image.layers().getFirst().blob().bytes().length, resp.body().readAllBytes().length);
        }
        var cdn = fake.requests.stream().filter(q -> q.uri().getHost().equals("cdn.test")).toList();
        assertEquals(1, cdn.size());
        assertFalse(cdn.getFirst().headers().containsKey("Authorization"));
        assertEquals("Bearer registry-token", fake.requests.getFirst().headers().get("Authorization"));
    }

    @Test
    void redirectFromHttpsToPlainHttpIsRefused() throws Exception {
        FakeRegistry fake = new FakeRegistry().serve("team/app", "v1", image);
        String layer = image.layers().getFirst().blob().digest().toString();
        fake.hook(r -> r.uri().getPath().endsWith(layer) && r.uri().getScheme().equals("https")
                ? FakeRegistry.Answer.of(302, new byte[0], "Location", "http://cdn.test/blob") : null);
        RegistryClient c = client(fake, RegistryConfig.defaults(), Clock.systemUTC());
        ImageReference ref = ImageReference.parse("reg.test/team/app:v1");
        ResolvedImage r = c.resolve(ref, Credentials.ANONYMOUS, AMD64, T);
        UnavailableException e = assertThrows(UnavailableException.class, () -> c.openBlob(r.endpoint(), ref,
                Credentials.ANONYMOUS, image.layers().getFirst().blob().digest(), T));
        assertTrue(e.getMessage().contains("http://cdn.test") && e.getMessage().contains("reg.test"), e.getMessage());
        assertTrue(fake.requests.stream().noneMatch(q -> q.uri().getHost().equals("cdn.test")));
    }

    @Test
    void failingMirrorFallsBackToUpstream() throws Exception {
        FakeRegistry fake = new FakeRegistry().serve("library/busybox", "1", image)
                .hook(r -> r.uri().getHost().equals("mirror.test") ? FakeRegistry.Answer.of(503, new byte[0]) : null);
        RegistryConfig cfg = new RegistryConfig(Map.of("docker.io",
                new MirrorConfig(List.of("https://mirror.test"), true)), List.of(), null, 0);
        ResolvedImage r = client(fake, cfg, Clock.systemUTC()).resolve(ImageReference.parse("busybox:1"),
                Credentials.ANONYMOUS, AMD64, T);
        assertEquals("registry-1.docker.io", r.endpoint().base().getHost());
        assertEquals("mirror.test", fake.requests.getFirst().uri().getHost());
        assertEquals("/v2/library/busybox/manifests/1", fake.requests.getFirst().uri().getPath());
    }

    @Test
    void manifestNotMatchingTheRequestedDigestIsRefused() {
        TestImage other = TestImages.forPlatform(TestImage.Format.OCI, "amd64", null);
        FakeRegistry fake = new FakeRegistry().serveManifest("team/app", image.manifest().digest().toString(),
                other.manifest());
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> client(fake,
                RegistryConfig.defaults(), Clock.systemUTC()).resolve(ImageReference.parse("reg.test/team/app@"
                + image.manifest().digest()), Credentials.ANONYMOUS, AMD64, T));
        assertTrue(e.getMessage().contains(image.manifest().digest().toString()), e.getMessage());
    }

    @Test
    void deniedAfterAuthNamesRegistryAndRepository() {
        FakeRegistry fake = new FakeRegistry().hook(r -> FakeRegistry.Answer.of(401, new byte[0],
                "WWW-Authenticate", "Basic realm=\"x\""));
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> client(fake,
                RegistryConfig.defaults(), Clock.systemUTC()).resolve(ImageReference.parse("reg.test/team/app:v1"),
                new Credentials("bob", "hunter2", null, null), AMD64, T));
        assertTrue(e.getMessage().contains("reg.test") && e.getMessage().contains("team/app"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }
}
