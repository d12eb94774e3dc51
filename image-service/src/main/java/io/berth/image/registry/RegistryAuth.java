package io.berth.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.UnavailableException;
import io.berth.image.failure.PullFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers registry challenges: Basic with the pull's credentials, or the
 * bearer-token flow (token realm from {@code WWW-Authenticate}, with Basic
 * credentials, an identity token as OAuth2 refresh token, or anonymously).
 * Authorizations are cached per registry, repository and credentials until
 * the token expires, so a 100-layer pull asks the realm once.
 */
final class RegistryAuth {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    // Renew a little early so a token does not expire between check and use.
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(5);
    private static final int MAX_TOKEN_RESPONSE = 1 << 20;

    private record Cached(String header, Instant expires) {
    }

    private final RegistryTransport transport;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    RegistryAuth(RegistryTransport transport, Clock clock) {
        this.transport = transport;
        this.clock = clock;
    }

    /** The Authorization header to send up front, or null. */
    String cached(RegistryEndpoint endpoint, String repository, Credentials creds) {
        if (creds.registryToken() != null) {
            return "Bearer " + creds.registryToken();
        }
        Cached c = cache.get(key(endpoint, repository, creds));
        if (c == null) {
            return null;
        }
        if (clock.instant().isAfter(c.expires())) {
            cache.remove(key(endpoint, repository, creds));
            return null;
        }
        return c.header();
    }

    /** Works out an Authorization header after a 401 carrying {@code challenges}. */
    String authorize(RegistryEndpoint endpoint, String repository, Credentials creds,
            List<String> challenges, Duration timeout) throws IOException, InterruptedException {
        for (AuthChallenge c : AuthChallenge.parseAll(challenges)) {
            if (c.scheme().equals("bearer") && c.param("realm") != null) {
                Cached token = fetchToken(endpoint, repository, creds, c, timeout);
                cache.put(key(endpoint, repository, creds), token);
                return token.header();
            }
            if (c.scheme().equals("basic")) {
                if (!creds.hasBasic()) {
                    throw denied(endpoint, repository, "it wants a username and password and none were given");
                }
                String header = creds.basicHeader();
                cache.put(key(endpoint, repository, creds), new Cached(header, Instant.MAX));
                return header;
            }
        }
        throw denied(endpoint, repository, "its authentication challenge is not supported: " + challenges);
    }

    /** Forgets what we had, after the registry refused it. */
    void invalidate(RegistryEndpoint endpoint, String repository, Credentials creds) {
        cache.remove(key(endpoint, repository, creds));
    }

    private static String key(RegistryEndpoint endpoint, String repository, Credentials creds) {
        return endpoint.authority() + "|" + repository + "|" + creds.cacheKey();
    }

    private Cached fetchToken(RegistryEndpoint endpoint, String repository, Credentials creds,
            AuthChallenge challenge, Duration timeout) throws IOException, InterruptedException {
        String service = challenge.param("service");
        String scope = challenge.param("scope") != null ? challenge.param("scope") : "repository:" + repository + ":pull";
        URI realm = URI.create(challenge.param("realm"));
        RegistryTransport.Request request;
        if (creds.identityToken() != null) {
            String form = "grant_type=refresh_token&client_id=berth" + formParam("service", service)
                    + formParam("scope", scope) + formParam("refresh_token", creds.identityToken());
            request = new RegistryTransport.Request("POST", realm,
                    Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    form.getBytes(StandardCharsets.UTF_8), timeout);
        } else {
            String query = (service == null ? "" : "service=" + enc(service) + "&") + "scope=" + enc(scope);
            String sep = realm.getRawQuery() == null ? "?" : "&";
            URI uri = URI.create(realm + sep + query);
            Map<String, String> headers = creds.hasBasic() ? Map.of("Authorization", creds.basicHeader()) : Map.of();
            request = RegistryTransport.Request.get(uri, headers, timeout);
        }
        return readToken(endpoint, repository, request);
    }

    private Cached readToken(RegistryEndpoint endpoint, String repository, RegistryTransport.Request request)
            throws IOException, InterruptedException {
        String realmName = request.uri().getScheme() + "://" + request.uri().getRawAuthority()
                + request.uri().getRawPath();
        try (RegistryTransport.Response r = transport.send(request)) {
            if (r.status() == 401 || r.status() == 403) {
                throw denied(endpoint, repository, "the token service " + realmName + " refused the credentials");
            }
            if (r.status() != 200) {
                throw new UnavailableException("token service " + realmName + " for " + endpoint.authority()
                        + " answered HTTP " + r.status());
            }
            JsonNode body = JSON.readTree(readCapped(r.body()));
            String token = body.path("token").asText(body.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new UnavailableException("token service " + realmName + " returned no token");
            }
            long seconds = body.path("expires_in").asLong(DEFAULT_TOKEN_LIFETIME.toSeconds());
            Instant issued = clock.instant();
            Instant expires = issued.plusSeconds(Math.max(seconds, 1)).minus(EXPIRY_MARGIN);
            return new Cached("Bearer " + token, expires);
        }
    }

    private static byte[] readCapped(InputStream in) throws IOException {
        byte[] data = in.readNBytes(MAX_TOKEN_RESPONSE + 1);
        if (data.length > MAX_TOKEN_RESPONSE) {
            throw new UnavailableException("token response larger than " + MAX_TOKEN_RESPONSE + " bytes");
        }
        return data;
    }

    private static String formParam(String name, String value) {
        return value == null ? "" : "&" + name + "=" + enc(value);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static FailedPreconditionException denied(RegistryEndpoint endpoint, String repository, String why) {
        return new FailedPreconditionException("registry " + endpoint.authority() + " denied access to repository "
                + repository + ": " + why, PullFailure.AUTH.tag());
    }
}
