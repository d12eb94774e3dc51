package io.berth.image.testing;

import io.berth.image.ref.Digest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real registry for tests: Debian's {@code docker-registry} (distribution
 * 2.8) on 127.0.0.1 on a free port, with its own storage under a directory
 * the test owns, optionally behind htpasswd Basic auth. {@link #close()}
 * stops the process it started (by its handle, never by name).
 */
public final class RegistryServer implements AutoCloseable {

    public static final String BINARY = "/usr/bin/docker-registry";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path dir;

    private final boolean tls;

    private RegistryServer(Process process, int port, Path dir, boolean tls) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.tls = tls;
    }

    /** Starts an open registry keeping its data and log under {@code dir}. */
    public static RegistryServer start(Path dir) throws IOException, InterruptedException {
        return start(dir, null, null);
    }

    /** Starts a registry that wants Basic auth for {@code user}/{@code password} (needs apache2-utils' htpasswd). */
    public static RegistryServer start(Path dir, String user, String password) throws IOException, InterruptedException {
        return start(dir, user, password, null);
    }

    /** Starts an open registry serving HTTPS with a certificate for 127.0.0.1 from {@code certs}. */
    public static RegistryServer startTls(Path dir, TestCertificates certs) throws IOException, InterruptedException {
        return start(dir, null, null, certs);
    }

    private static RegistryServer start(Path dir, String user, String password, TestCertificates tls)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String auth = "";
        if (user != null) {
            Path htpasswd = dir.resolve("htpasswd");
            Process p = new ProcessBuilder("htpasswd", "-Bbn", user, password).redirectErrorStream(true).start();
            byte[] line = p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IOException("htpasswd failed: " + new String(line, StandardCharsets.UTF_8));
            }
            Files.write(htpasswd, line);
            auth = "auth:\n  htpasswd:\n    realm: berth-test\n    path: " + htpasswd + "\n";
        }
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Path config = dir.resolve("config.yml");
            Files.writeString(config, "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
                    + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\n"
                    + "  delete:\n    enabled: true\n"
                    + "http:\n  addr: 127.0.0.1:" + port + "\n"
                    + (tls == null ? "" : "  tls:\n    certificate: " + tls.serverCert() + "\n    key: "
                    + tls.serverKey() + "\n") + auth);
            Process p = new ProcessBuilder(BINARY, "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            RegistryServer server = new RegistryServer(p, port, dir, tls != null);
            try {
                server.awaitReady();
                return server;
            } catch (IOException e) {
                // Most likely someone took the port between our probe and the bind.
                server.close();
                last = e;
            }
        }
        throw last;
    }

    /** A loopback port nobody listened on a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                if (tls) {
                    // Our own client would need the test CA; a listening port is enough here.
                    new java.net.Socket(InetAddress.getLoopbackAddress(), port).close();
                    return;
                }
                int status = client.send(HttpRequest.newBuilder(uri().resolve("/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("docker-registry did not answer on port " + port + " within " + START_TIMEOUT);
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, the registry part of image references. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public URI uri() {
        return URI.create((tls ? "https://" : "http://") + hostPort());
    }

    /** Where the registry keeps a blob's bytes, for tests that damage content behind its back. */
    public Path blobData(Digest digest) {
        return dir.resolve("storage/docker/registry/v2/blobs/sha256").resolve(digest.hex().substring(0, 2))
                .resolve(digest.hex()).resolve("data");
    }

    public List<Path> storageRoots() {
        return List.of(dir.resolve("storage"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
