package io.berth.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * {@link RegistryTransport} on {@code java.net.http}. HTTPS trusts the
 * system CA bundle ({@link SystemTrust}); plain HTTP uses HTTP/1.1 so no h2c
 * upgrade is tried. Blob bodies take {@link StreamingHttp} instead, with the
 * same trust.
 */
public final class JdkHttpTransport implements RegistryTransport {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    // Headers the JDK client sets itself and refuses from callers.
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "host", "expect", "upgrade");

    private final HttpClient https;
    private final HttpClient http;
    private final StreamingHttp blobs;

    /** Trusts the system CA bundle when there is one, else the JDK's defaults. */
    public JdkHttpTransport() throws IOException {
        this(SystemTrust.systemBundle().isPresent() ? SystemTrust.fromBundle(SystemTrust.systemBundle().get())
                : null);
    }

    /** @param tls the trust to use for HTTPS; null for the JDK's defaults */
    public JdkHttpTransport(SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(CONNECT_TIMEOUT);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.https = b.build();
        this.blobs = new StreamingHttp(tls, CONNECT_TIMEOUT);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(CONNECT_TIMEOUT).build();
    }

    @Override
    public Response sendForStream(Request request) throws IOException, InterruptedException {
        if (!"GET".equals(request.method()) || request.body() != null) {
            return send(request);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException(); // a cancelled pull opens nothing more
        }
        return blobs.get(request.uri(), request.headers(), request.timeout());
    }

    @Override
    public Response send(Request request) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(request.timeout());
        request.headers().forEach((k, v) -> {
            if (!RESTRICTED.contains(k.toLowerCase(java.util.Locale.ROOT))) {
                b.header(k, v);
            }
        });
        b.method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        HttpClient client = "https".equals(request.uri().getScheme()) ? https : http;
        HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        return new Response() {
            @Override
            public int status() {
                return r.statusCode();
            }

            @Override
            public List<String> headers(String name) {
                return r.headers().allValues(name);
            }

            @Override
            public InputStream body() {
                return r.body();
            }
        };
    }
}
