package io.berth.image.registry;

import io.berth.common.error.BerthException;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.NotFoundException;
import io.berth.common.error.UnavailableException;
import io.berth.image.ref.Digest;
import io.berth.image.ref.ImageReference;
import io.berth.image.failure.PullFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pull-only client of the OCI distribution API: resolves references to
 * manifests (choosing our platform from an index) and opens blob streams,
 * through the mirrors and upstream that {@link RegistryHosts} names, with
 * authentication handled by {@link RegistryAuth}.
 */
public final class RegistryClient {

    /** Manifests and configs above this are refused, so a hostile registry cannot exhaust memory. */
    public static final int MAX_MANIFEST_BYTES = 4 << 20;
    private static final int MAX_REDIRECTS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);

    private final RegistryTransport transport;
    private final RegistryHosts hosts;
    private final RegistryAuth auth;

    public RegistryClient(RegistryTransport transport, RegistryHosts hosts, Clock clock) {
        this.transport = transport;
        this.hosts = hosts;
        this.auth = new RegistryAuth(transport, clock);
    }

    /** Resolves {@code ref} at the first endpoint that can answer, mirrors first. */
    public ResolvedImage resolve(ImageReference ref, Credentials creds, Platform platform, Duration timeout)
            throws InterruptedException {
        List<RegistryEndpoint> endpoints = hosts.endpoints(ref.domain());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            RegistryEndpoint ep = endpoints.get(i);
            try {
                return resolveAt(ep, ref, creds, platform, timeout);
            } catch (IOException | BerthException e) {
                if (i == endpoints.size() - 1) {
                    throw withHistory(ref, ep, e, failures);
                }
                LOG.warn("resolving {} at {} failed, trying the next endpoint: {}", ref, ep, e.getMessage());
                failures.add(ep + ": " + e.getMessage());
            }
        }
        throw new UnavailableException("no endpoint configured for registry " + ref.domain());
    }

    private static BerthException withHistory(ImageReference ref, RegistryEndpoint ep, Exception e,
            List<String> failures) {
        if (e instanceof BerthException be && failures.isEmpty()) {
            return be;
        }
        String history = failures.isEmpty() ? "" : " (earlier endpoints: " + String.join("; ", failures) + ")";
        if (e instanceof BerthException be) {
            LOG.warn("all endpoints failed for {}{}", ref, history);
            return be;
        }
        return new UnavailableException("cannot reach registry " + ep.authority() + " for " + ref + ": "
                + e + history, e);
    }

    private ResolvedImage resolveAt(RegistryEndpoint ep, ImageReference ref, Credentials creds, Platform platform,
            Duration timeout) throws IOException, InterruptedException {
        Request top = new Request(ep, ref, creds, timeout);
        FetchedContent first = fetchManifest(top, ref.manifestReference(), ref.digest());
        Manifest parsed = ManifestParser.parse(ref.toString(), first.bytes(), first.mediaType());
        if (parsed instanceof ImageManifest m) {
            return new ResolvedImage(ep, null, first, m);
        }
        Descriptor chosen = ManifestParser.select(ref.toString(), (ManifestIndex) parsed, platform);
        FetchedContent manifest = fetchManifest(top, chosen.digest().toString(), chosen.digest());
        if (manifest.bytes().length != chosen.size()) {
            throw new FailedPreconditionException("manifest " + chosen.digest() + " of " + ref + " has "
                    + manifest.bytes().length + " bytes, the index says " + chosen.size(),
                    PullFailure.DIGEST_MISMATCH.tag());
        }
        if (!(ManifestParser.parse(ref.toString(), manifest.bytes(), chosen.mediaType()) instanceof ImageManifest m)) {
            throw new FailedPreconditionException("index of " + ref + " points at another index for " + platform);
        }
        return new ResolvedImage(ep, first, manifest, m);
    }

    /** Everything one registry exchange needs besides the URL. */
    private record Request(RegistryEndpoint endpoint, ImageReference ref, Credentials creds, Duration timeout) {
    }

    private FetchedContent fetchManifest(Request q, String reference, Digest expected)
            throws IOException, InterruptedException {
        URI uri = q.endpoint().uri(q.ref().path(), "manifests/" + reference);
        try (RegistryTransport.Response r = exchange(q, uri, Map.of("Accept", MediaTypes.MANIFEST_ACCEPT), false)) {
            if (r.status() == 404) {
                throw new NotFoundException("manifest " + reference + " of " + q.ref().repository()
                        + " not found at " + q.endpoint());
            }
            expectOk(q, r, "manifest " + reference);
            byte[] body = readCapped(r, "manifest of " + q.ref());
            Digest actual = Digest.of(body);
            if (expected != null && !expected.equals(actual)) {
                throw new FailedPreconditionException("manifest of " + q.ref() + " from " + q.endpoint()
                        + " has digest " + actual + ", expected " + expected, PullFailure.DIGEST_MISMATCH.tag());
            }
            return new FetchedContent(actual, r.header("Content-Type").orElse(""), body);
        }
    }

    /** Fetches a small blob (an image config), verified against its descriptor. */
    public FetchedContent fetchConfig(RegistryEndpoint ep, ImageReference ref, Credentials creds, Descriptor d,
            Duration timeout) throws IOException, InterruptedException {
        if (d.size() > MAX_MANIFEST_BYTES) {
            throw new FailedPreconditionException("config " + d.digest() + " of " + ref + " is " + d.size()
                    + " bytes, more than the limit of " + MAX_MANIFEST_BYTES);
        }
        try (RegistryTransport.Response r = openBlob(ep, ref, creds, d.digest(), timeout)) {
            byte[] body = readCapped(r, "config " + d.digest() + " of " + ref);
            Digest actual = Digest.of(body);
            if (!actual.equals(d.digest()) || body.length != d.size()) {
                throw new FailedPreconditionException("config of " + ref + " does not match its descriptor: got "
                        + actual + " (" + body.length + " bytes), expected " + d.digest() + " (" + d.size() + ")",
                        PullFailure.DIGEST_MISMATCH.tag());
            }
            return new FetchedContent(actual, d.mediaType(), body);
        }
    }

    /**
     * Opens a blob's body. The caller verifies digest and size while
     * streaming and closes the response.
     */
    public RegistryTransport.Response openBlob(RegistryEndpoint ep, ImageReference ref, Credentials creds,
            Digest digest, Duration timeout) throws IOException, InterruptedException {
        Request q = new Request(ep, ref, creds, timeout);
        RegistryTransport.Response r = exchange(q, ep.uri(ref.path(), "blobs/" + digest), Map.of(), true);
        if (r.status() == 404) {
            r.close();
            throw new NotFoundException("blob " + digest + " of " + ref.repository() + " not found at " + ep);
        }
        try {
            expectOk(q, r, "blob " + digest);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private static void expectOk(Request q, RegistryTransport.Response r, String what) {
        if (r.status() != 200) {
            throw new UnavailableException("registry " + q.endpoint().authority() + " answered HTTP " + r.status()
                    + " for " + what + " of " + q.ref().repository());
        }
    }

    /** @param stream whether the body is a blob, read once in big reads */
    private RegistryTransport.Response exchange(Request q, URI uri, Map<String, String> extraHeaders, boolean stream)
            throws IOException, InterruptedException {
        RegistryEndpoint ep = q.endpoint();
        String repo = q.ref().path();
        Map<String, String> headers = new HashMap<>(extraHeaders);
        String authorization = auth.cached(ep, repo, q.creds());
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        RegistryTransport.Response r = send(RegistryTransport.Request.get(uri, headers, q.timeout()), stream);
        if (r.status() == 401 && q.creds().registryToken() == null) {
            List<String> challenges = r.headers("WWW-Authenticate");
            r.close();
            auth.invalidate(ep, repo, q.creds());
            headers.put("Authorization", auth.authorize(ep, repo, q.creds(), challenges, q.timeout()));
            r = send(RegistryTransport.Request.get(uri, headers, q.timeout()), stream);
        }
        if (r.status() == 401 || r.status() == 403) {
            int status = r.status();
            r.close();
            auth.invalidate(ep, repo, q.creds());
            throw RegistryAuth.denied(ep, repo, "HTTP " + status + (q.creds().isAnonymous()
                    ? " without credentials" : " with the given credentials"));
        }
        return followRedirects(r, uri, headers, q.timeout(), stream);
    }

    private RegistryTransport.Response send(RegistryTransport.Request request, boolean stream)
            throws IOException, InterruptedException {
        return stream ? transport.sendForStream(request) : transport.send(request);
    }

    // Redirects are followed by hand so the Authorization header, meant for
    // the registry, is never sent to the storage host a blob redirects to.
    private RegistryTransport.Response followRedirects(RegistryTransport.Response r, URI uri,
            Map<String, String> headers, Duration timeout, boolean stream) throws IOException, InterruptedException {
        Map<String, String> h = new HashMap<>(headers);
        for (int hop = 0; isRedirect(r.status()) && hop < MAX_REDIRECTS; hop++) {
            String location = r.header("Location").orElse(null);
            r.close();
            if (location == null) {
                throw new UnavailableException("redirect without Location from " + uri.getRawAuthority());
            }
            URI next = uri.resolve(location);
            // A registry reached over HTTPS may not send us to plain HTTP: that is for insecure registries only.
            if ("https".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
                throw new UnavailableException("registry " + uri.getRawAuthority() + " redirected to "
                        + next.getScheme() + "://" + next.getRawAuthority() + ", not HTTPS; refused");
            }
            if (!Objects.equals(next.getRawAuthority(), uri.getRawAuthority())) {
                h.remove("Authorization");
            }
            uri = next;
            r = send(RegistryTransport.Request.get(uri, h, timeout), stream);
        }
        return r;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static byte[] readCapped(RegistryTransport.Response r, String what) throws IOException {
        if (r.contentLength() > MAX_MANIFEST_BYTES) {
            throw tooLarge(what, r.contentLength());
        }
        InputStream in = r.body();
        byte[] body = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        if (body.length > MAX_MANIFEST_BYTES) {
            throw tooLarge(what, body.length);
        }
        return body;
    }

    private static FailedPreconditionException tooLarge(String what, long size) {
        return new FailedPreconditionException(what + " is larger than the limit of " + MAX_MANIFEST_BYTES
                + " bytes (" + size + ")");
    }
}
