package io.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The blob client against a loopback socket that answers with canned bytes. */
class StreamingHttpTest {

    private static final Duration T = Duration.ofSeconds(10);
    private final StreamingHttp http = new StreamingHttp(null, T);
    private ServerSocket server;
    private final CompletableFuture<String> request = new CompletableFuture<>();

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    /** Answers one connection with {@code response}, then holds or closes it. */
    private URI serve(byte[] response, boolean hold) {
        Thread.ofPlatform().daemon().start(() -> {
            try (Socket s = server.accept()) {
                request.complete(readHead(s.getInputStream()));
                s.getOutputStream().write(response);
                s.getOutputStream().flush();
                if (hold) {
                    Thread.sleep(30_000);
                }
            } catch (IOException | InterruptedException e) {
                request.completeExceptionally(e);
            }
        });
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v2/app/blobs/sha256:ab?x=1");
    }

    private URI serve(String response) {
        return serve(response.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private byte[] body(URI uri) throws IOException {
        try (RegistryTransport.Response r = http.get(uri, Map.of(), T)) {
            return r.body().readAllBytes();
        }
    }

    @Test
    void sendsOneGetWithTheCallersHeadersAndReadsAFixedLengthBody() throws Exception {
        URI uri = serve("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDocker-Content-Digest: sha256:ab\r\n\r\nhello");
        try (RegistryTransport.Response r = http.get(uri, Map.of("Authorization", "Bearer t"), T)) {
            assertEquals(200, r.status());
            assertEquals(5, r.contentLength());
            assertEquals("sha256:ab", r.header("docker-content-digest").orElseThrow());
            assertEquals("hello", new String(r.body().readAllBytes(), StandardCharsets.US_ASCII));
        }
        String head = request.get(5, TimeUnit.SECONDS);
        assertTrue(head.startsWith("GET /v2/app/blobs/sha256:ab?x=1 HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n"), head);
        assertTrue(head.contains("\r\nAuthorization: Bearer t\r\n"), head);
    }

    @Test
    void readsAChunkedBodyAndSkipsInterimResponses() throws Exception {
        URI uri = serve("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: x\r\n\r\n");
        assertEquals("abc0123456789abcdef", new String(body(uri), StandardCharsets.US_ASCII));
    }

    @Test
    void aBodyWithoutFramingEndsAtTheClose() throws Exception {
        assertEquals("all of it", new String(body(serve("HTTP/1.1 200 OK\r\n\r\nall of it")),
                StandardCharsets.US_ASCII));
    }

    @Test
    void aBodyCutShortIsAnErrorNotAShortBody() {
        URI fixed = serve("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
        EOFException e = assertThrows(EOFException.class, () -> body(fixed));
        assertTrue(e.getMessage().contains("4 of 10"), e.getMessage());
    }

    @Test
    void aChunkedBodyCutShortIsAnError() {
        URI chunked = serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc");
        assertThrows(EOFException.class, () -> body(chunked));
    }

    @Test
    void refusesWhatItCannotFrameOrParse() throws IOException {
        String[] bad = {
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello",
            "SSH-2.0-OpenSSH\r\n\r\n",
            "HTTP/1.1 2x0 OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(HttpHead.MAX_HEAD) + "\r\n\r\n",
        };
        for (String response : bad) {
            server.close();
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            URI uri = serve(response);
            IOException e = assertThrows(IOException.class, () -> body(uri), response);
            assertTrue(e.getMessage().length() < 200, e.getMessage());
        }
    }

    @Test
    void refusesAHeaderValueThatWouldSplitTheRequestWithoutEchoingIt() {
        URI uri = serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        IOException e = assertThrows(IOException.class,
                () -> http.get(uri, Map.of("Authorization", "Basic secret\r\nX-Evil: 1"), T));
        assertTrue(e.getMessage().contains("Authorization") && !e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void theHeadMustArriveWithinTheTimeout() {
        URI uri = serve(new byte[0], true);
        long start = System.nanoTime();
        assertThrows(IOException.class, () -> http.get(uri, Map.of(), Duration.ofMillis(300)));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
    }

    @Test
    void interruptingTheReaderStopsABodyThatStalls() throws Exception {
        URI uri = serve("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome".getBytes(StandardCharsets.US_ASCII),
                true);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (RegistryTransport.Response r = http.get(uri, Map.of(), T)) {
                byte[] buf = new byte[100];
                assertEquals(4, r.body().read(buf, 0, 100));
                r.body().read(buf, 0, 100); // blocks: the server holds the connection
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        Thread.sleep(300);
        reader.interrupt();
        Throwable t = outcome.get(5, TimeUnit.SECONDS);
        assertTrue(t instanceof IOException && !(t instanceof EOFException) || t instanceof InterruptedIOException,
                String.valueOf(t));
        reader.join(5000);
    }

    @Test
    void largeReadsGoStraightThroughTheHeadBuffer() throws Exception {
        byte[] payload = new byte[1 << 20];
        new java.util.Random(1).nextBytes(payload);
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + payload.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + payload.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(payload, 0, all, head.length, payload.length);
        assertArrayEquals(payload, body(serve(all, false)));
    }
}
