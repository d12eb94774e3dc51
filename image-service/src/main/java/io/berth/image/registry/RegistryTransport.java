package io.berth.image.registry;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP boundary of the registry client (STYLE.md rule 7): unit tests put
 * a fake here, integration tests use {@link JdkHttpTransport} against a real
 * registry on loopback. Redirects are not followed here; the client follows
 * them itself so credentials never travel to another host.
 */
public interface RegistryTransport {

    /**
     * Sends a request and returns once the response headers are in; the body
     * is streamed. Interrupting the calling thread cancels the exchange.
     */
    Response send(Request request) throws IOException, InterruptedException;

    /**
     * Like {@link #send}, for a large body that is read once, front to back,
     * in big reads (a blob). An implementation may take a leaner path for
     * these than for small exchanges; the default is {@link #send}.
     */
    default Response sendForStream(Request request) throws IOException, InterruptedException {
        return send(request);
    }

    /**
     * @param timeout how long to wait for the response headers
     */
    record Request(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {

        public Request {
            headers = Map.copyOf(headers);
        }

        public static Request get(URI uri, Map<String, String> headers, Duration timeout) {
            return new Request("GET", uri, headers, null, timeout);
        }
    }

    /** A response whose body must be closed by whoever received it. */
    interface Response extends Closeable {

        int status();

        List<String> headers(String name);

        default Optional<String> header(String name) {
            List<String> values = headers(name);
            return values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
        }

        /** The declared Content-Length, or -1. */
        default long contentLength() {
            return header("Content-Length").map(Long::parseLong).orElse(-1L);
        }

        InputStream body();

        @Override
        default void close() throws IOException {
            body().close();
        }
    }
}
