package io.berth.e2e.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's docker-registry on a free 127.0.0.1 port with storage under the
 * benchmark's directory, plus a push of {@link ImageFactory.Image}s through the
 * distribution API (monolithic uploads streamed from the blob files).
 */
final class LoopbackRegistry implements AutoCloseable {

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private LoopbackRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LoopbackRegistry start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("config.yml");
        Files.writeString(config, "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
                + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n");
        Process p = new ProcessBuilder("/usr/bin/docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        LoopbackRegistry r = new LoopbackRegistry(p, port);
        Cleanups.register(r);
        try {
            r.awaitReady(dir);
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void awaitReady(Path dir) throws IOException, InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                if (send(HttpRequest.newBuilder(uri("/v2/"))).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("docker-registry did not answer on 127.0.0.1:" + port);
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** The reference runtimes pull {@code image} by. */
    String reference(ImageFactory.Image image) {
        return host() + "/" + image.repo() + ":" + image.tag();
    }

    void push(ImageFactory.Image image) throws IOException, InterruptedException {
        for (ImageFactory.Blob b : image.layers()) {
            pushBlob(image.repo(), b);
        }
        pushBlob(image.repo(), image.config());
        ImageFactory.Blob m = image.manifest();
        expect(send(HttpRequest.newBuilder(uri("/v2/" + image.repo() + "/manifests/" + image.tag()))
                .header("Content-Type", m.mediaType()).PUT(HttpRequest.BodyPublishers.ofFile(m.file()))),
                201, "manifest " + image.repo());
    }

    private void pushBlob(String repo, ImageFactory.Blob blob) throws IOException, InterruptedException {
        if (send(HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/" + blob.digest()))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode() == 200) {
            return;
        }
        HttpResponse<String> start = send(HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(start, 202, "upload of " + blob.digest());
        String location = start.headers().firstValue("Location").orElseThrow();
        URI put = URI.create("http://" + host() + "/").resolve(location);
        put = URI.create(put + (put.getRawQuery() == null ? "?" : "&") + "digest=" + blob.digest());
        expect(send(HttpRequest.newBuilder(put).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(blob.file()))), 201, "upload of " + blob.digest());
    }

    private URI uri(String path) {
        return URI.create("http://" + host() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> r, int status, String what) throws IOException {
        if (r.statusCode() != status) {
            throw new IOException(what + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    @Override
    public void close() throws InterruptedException {
        Cleanups.unregister(this);
        Procs.terminate(process.pid(), 5_000);
        process.waitFor();
    }
}
