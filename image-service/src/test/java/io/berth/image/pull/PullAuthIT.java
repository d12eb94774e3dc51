package io.berth.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import io.berth.common.error.FailedPreconditionException;
import io.berth.image.registry.Credentials;
import io.berth.image.testing.RegistryProxy;
import io.berth.image.testing.RegistryPusher;
import io.berth.image.testing.RegistryServer;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImage.Format;
import io.berth.image.testing.TestImages;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth against docker-registry's htpasswd, and the bearer-token flow against a token server of our own. */
class PullAuthIT {

    private static final String USER = "alice";
    private static final String PASSWORD = "pw-" + Long.toHexString(System.nanoTime());
    private static final String REFRESH = "refresh-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void basicAuthWithUsernamePasswordOrAuthField() throws Exception {
        TestImage image = TestImages.threeLayers(Format.DOCKER);
        try (RegistryServer registry = RegistryServer.start(dir.resolve("reg"), USER, PASSWORD);
             Stack s = Stack.real(dir.resolve("root"))) {
            new RegistryPusher(registry.uri(), USER, PASSWORD).push("private/app", "v1", image);
            String ref = registry.hostPort() + "/private/app:v1";

            FailedPreconditionException anon = assertThrows(FailedPreconditionException.class, () -> s.pull(ref));
            assertTrue(anon.getMessage().contains(registry.hostPort()) && anon.getMessage().contains("private/app"),
                    anon.getMessage());

            Credentials wrong = new Credentials(USER, "not-" + PASSWORD, null, null);
            FailedPreconditionException denied = assertThrows(FailedPreconditionException.class,
                    () -> s.pull(ref, wrong, null));
            assertFalse(denied.getMessage().contains(PASSWORD), "no secret in messages");
            assertTrue(denied.getMessage().contains("private/app"), denied.getMessage());

            assertEquals(image.id(), s.pull(ref, new Credentials(USER, PASSWORD, null, null), null).id());
            String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            Credentials fromAuth = Credentials.fromAuthConfig("", "", auth, "", "");
            assertEquals(image.id(), s.pull(ref, fromAuth, null).id());
        }
    }

    /** A token realm plus a gate in front of an open registry that wants its tokens. */
    static final class TokenGate implements RegistryProxy.Hook {
        final Set<String> issued = ConcurrentHashMap.newKeySet();
        final AtomicInteger tokenRequests = new AtomicInteger();
        final AtomicInteger refreshRequests = new AtomicInteger();
        final AtomicInteger blobGets = new AtomicInteger();

        @Override
        public boolean handle(HttpExchange ex, RegistryProxy proxy) throws IOException {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/token")) {
                issueToken(ex);
                return true;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || !issued.contains(auth.substring(7))) {
                String repo = path.replaceFirst("^/v2/", "").replaceFirst("/(manifests|blobs)/.*$", "");
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + proxy.uri() + "/token\","
                        + "service=\"berth-test\",scope=\"repository:" + repo + ":pull\"");
                RegistryProxy.respond(ex, 401, "application/json", "{\"errors\":[]}".getBytes(StandardCharsets.UTF_8));
                return true;
            }
            if (path.contains("/blobs/")) {
                blobGets.incrementAndGet();
            }
            return false;
        }

        private void issueToken(HttpExchange ex) throws IOException {
            boolean ok;
            if (ex.getRequestMethod().equals("POST")) {
                refreshRequests.incrementAndGet();
                String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                ok = URLDecoder.decode(form, StandardCharsets.UTF_8).contains("refresh_token=" + REFRESH)
                        && form.contains("grant_type=refresh_token");
            } else {
                tokenRequests.incrementAndGet();
                String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                        .getBytes(StandardCharsets.UTF_8));
                ok = expected.equals(ex.getRequestHeaders().getFirst("Authorization"))
                        && ex.getRequestURI().getQuery().contains("service=berth-test");
            }
            if (!ok) {
                RegistryProxy.respond(ex, 401, "application/json", new byte[0]);
                return;
            }
            String token = "tok-" + Long.toHexString(System.nanoTime());
            issued.add(token);
            String field = ex.getRequestMethod().equals("POST") ? "access_token" : "token";
            RegistryProxy.respond(ex, 200, "application/json", ("{\"" + field + "\":\"" + token
                    + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void bearerTokenFlowCachesTheTokenAndSupportsIdentityAndRegistryTokens() throws Exception {
        TestImage image = TestImages.threeLayers(Format.OCI);
        TokenGate gate = new TokenGate();
        try (RegistryServer registry = RegistryServer.start(dir.resolve("reg"));
             RegistryProxy proxy = RegistryProxy.start(registry.uri(), gate);
             Stack s = Stack.real(dir.resolve("root"))) {
            new RegistryPusher(registry.uri(), null, null).push("secure/app", "v1", image);
            String ref = proxy.hostPort() + "/secure/app:v1";

            assertThrows(FailedPreconditionException.class, () -> s.pull(ref));
            int anonymousTries = gate.tokenRequests.get();
            assertEquals(image.id(), s.pull(ref, new Credentials(USER, PASSWORD, null, null), null).id());
            // config and 3 layers went through with one token
            assertEquals(4, gate.blobGets.get());
            assertEquals(anonymousTries + 1, gate.tokenRequests.get());

            assertEquals(image.id(), s.pull(ref, new Credentials(null, null, REFRESH, null), null).id());
            assertEquals(1, gate.refreshRequests.get());

            String preIssued = "tok-preissued";
            gate.issued.add(preIssued);
            int before = gate.tokenRequests.get() + gate.refreshRequests.get();
            assertEquals(image.id(), s.pull(ref, new Credentials(null, null, null, preIssued), null).id());
            assertEquals(before, gate.tokenRequests.get() + gate.refreshRequests.get());
        }
    }
}
