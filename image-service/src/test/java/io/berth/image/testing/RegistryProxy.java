package io.berth.image.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small front for a real registry, on the JDK's HTTP server on loopback:
 * it forwards every request unless a {@link Hook} answers it first. Tests
 * use hooks to demand bearer tokens, stall mid-blob, or serve content the
 * real registry would not accept.
 */
public final class RegistryProxy implements AutoCloseable {

    /** Answers a request itself (return true) or lets it through to the registry (false). */
    @FunctionalInterface
    public interface Hook {
        boolean handle(HttpExchange exchange, RegistryProxy proxy) throws IOException;
    }

    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "transfer-encoding",
            "host", "keep-alive", "upgrade", "date");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final URI upstream;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private RegistryProxy(URI upstream, Hook hook) throws IOException {
        this.upstream = upstream;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", ex -> {
            try (ex) {
                if (!hook.handle(ex, this)) {
                    forward(ex);
                }
            } catch (IOException | RuntimeException e) {
                // the client went away or the hook chose to drop the connection
            }
        });
        server.start();
    }

    public static RegistryProxy start(URI upstream, Hook hook) throws IOException {
        return new RegistryProxy(upstream, hook);
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public URI uri() {
        return URI.create("http://" + hostPort());
    }

    /** Fetches what the registry would answer, for hooks that alter it. */
    public HttpResponse<byte[]> fetch(HttpExchange ex) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().toString()));
        ex.getRequestHeaders().forEach((k, vs) -> {
            if (!HOP_HEADERS.contains(k.toLowerCase(Locale.ROOT)) && !k.equalsIgnoreCase("authorization")) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        byte[] body = ex.getRequestBody().readAllBytes();
        b.method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Passes the request to the registry and its answer back unchanged. */
    public void forward(HttpExchange ex) throws IOException {
        HttpResponse<byte[]> r = fetch(ex);
        respond(ex, r, r.body());
    }

    /** Sends the registry's status and headers with {@code body} instead of its body. */
    public static void respond(HttpExchange ex, HttpResponse<?> r, byte[] body) throws IOException {
        r.headers().map().forEach((k, vs) -> {
            if (!HOP_HEADERS.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) {
                ex.getResponseHeaders().put(k, vs);
            }
        });
        boolean head = ex.getRequestMethod().equals("HEAD");
        long len = head || body.length == 0 ? -1 : body.length;
        if (head) {
            r.headers().firstValue("Content-Length").ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
        }
        ex.sendResponseHeaders(r.statusCode(), len);
        if (len > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Sends a plain answer. */
    public static void respond(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
