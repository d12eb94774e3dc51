package io.berth.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One blocking HTTP/1.1 GET per connection, for blob bodies. The JDK
 * HttpClient hands a body over in small fresh heap buffers, through its
 * selector thread, an executor and a queue; on a 2-core node that machinery
 * was about a third of a pull's CPU (perf, 230 MB gzip image). Here the
 * thread that unpacks the blob reads the socket itself, as much as it asks
 * for at a time.
 *
 * <p>HTTPS verifies the certificate chain with the given trust and the host
 * name (or IP address) against the certificate, as the HttpClient does.
 * The socket is a {@link SocketChannel}'s, so interrupting the reading
 * thread closes it: that is how a cancelled or stalled pull stops a read.
 */
final class StreamingHttp {

    private static final String USER_AGENT = "berth";
    // Headers this client writes itself; a caller's copy would duplicate them.
    private static final Set<String> OWN = Set.of("host", "connection", "content-length", "transfer-encoding",
            "accept-encoding", "user-agent");

    private final SSLContext tls;
    private final Duration connectTimeout;

    /** @param tls trust for HTTPS; null for the JDK's default context */
    StreamingHttp(SSLContext tls, Duration connectTimeout) {
        this.tls = tls;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Sends a GET and returns once the response head is in; {@code timeout}
     * bounds connecting, the TLS handshake and the wait for the head.
     */
    RegistryTransport.Response get(URI uri, Map<String, String> headers, Duration timeout) throws IOException {
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        if (!https && !"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException("unsupported URL scheme in " + uri.getScheme() + "://" + uri.getRawAuthority());
        }
        String host = bareHost(uri);
        int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        SocketChannel channel = SocketChannel.open();
        try {
            Socket socket = channel.socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), millis(connectTimeout));
            socket.setSoTimeout(millis(timeout));
            Socket s = https ? handshake(socket, host, port) : socket;
            OutputStream out = s.getOutputStream();
            out.write(requestHead(uri, headers).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new HttpBodies.Connection(s.getInputStream());
            HttpHead head = HttpHead.read(in);
            // The body may pause for as long as the registry likes; the pull's
            // progress timeout (which interrupts this thread) judges that.
            socket.setSoTimeout(0);
            return new Exchange(channel, head, HttpHead.body(head, in));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private Socket handshake(Socket plain, String host, int port) throws IOException {
        SSLContext ctx;
        try {
            ctx = tls != null ? tls : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no TLS available: " + e.getMessage(), e);
        }
        SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // host name or IP against the certificate
        p.setApplicationProtocols(new String[] {"http/1.1"});
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        return ssl;
    }

    static String requestHead(URI uri, Map<String, String> headers) throws IOException {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder b = new StringBuilder(256).append("GET ").append(path);
        if (uri.getRawQuery() != null) {
            b.append('?').append(uri.getRawQuery());
        }
        b.append(" HTTP/1.1\r\nHost: ").append(uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1))
                .append("\r\nUser-Agent: ").append(USER_AGENT)
                .append("\r\nAccept-Encoding: identity\r\nConnection: close\r\n");
        for (var h : headers.entrySet()) {
            if (OWN.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!isToken(h.getKey()) || h.getValue().indexOf('\r') >= 0 || h.getValue().indexOf('\n') >= 0) {
                throw new IOException("header " + h.getKey() + " cannot be sent"); // never echo its value
            }
            b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    private static boolean isToken(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0);
    }

    private static String bareHost(URI uri) throws IOException {
        String h = uri.getHost();
        if (h == null) {
            throw new IOException("no host in " + uri.getScheme() + "://" + uri.getRawAuthority());
        }
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static int millis(Duration d) {
        long ms = d.toMillis();
        return ms <= 0 ? 1 : (int) Math.min(Integer.MAX_VALUE, ms);
    }

    /** A response; closing it closes the connection. */
    private record Exchange(SocketChannel channel, HttpHead head, InputStream body)
            implements RegistryTransport.Response {

        @Override
        public int status() {
            return head.status();
        }

        @Override
        public List<String> headers(String name) {
            return head.headers(name);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
