package io.berth.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Debian's docker-registry on a free 127.0.0.1 port, storage under the test's
 * directory, holding one small busybox image (a single uncompressed layer built
 * in memory) that berthd pulls like any other. The e2e tests need the real pull
 * path; the benchmark's larger image machinery is not shared with them.
 */
final class LocalRegistry implements AutoCloseable {

    /** Applets the e2e scripts use, as links to /bin/busybox. */
    private static final List<String> APPLETS = List.of("sh", "sleep", "cat", "true", "ls", "ps", "kill", "head",
            "tr", "wc", "dd", "touch", "mkdir", "mount", "umount", "grep", "test", "seq", "stat", "id", "yes");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private LocalRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LocalRegistry start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("registry.yml");
        Files.writeString(config, String.join("\n", "version: 0.1", "log:", "  level: error",
                "storage:", "  filesystem:", "    rootdirectory: " + dir.resolve("blobs"),
                "http:", "  addr: 127.0.0.1:" + port, ""));
        Process p = new ProcessBuilder("/usr/bin/docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry r = new LocalRegistry(p, port);
        try {
            r.awaitServing();
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    long pid() {
        return process.pid();
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    /** Pushes busybox as {@code repo:1}; returns the reference to pull. */
    String pushBusybox(String repo) throws IOException, InterruptedException {
        byte[] layer = busyboxLayer();
        String layerDigest = digest(layer);
        ObjectNode cfg = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        cfg.putObject("config").putArray("Env").add("PATH=/bin");
        ((ObjectNode) cfg.get("config")).putArray("Cmd").add("sh");
        cfg.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layerDigest);
        byte[] config = JSON.writeValueAsBytes(cfg);
        ObjectNode m = JSON.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        m.set("config", descriptor("application/vnd.oci.image.config.v1+json", config));
        m.putArray("layers").add(descriptor("application/vnd.oci.image.layer.v1.tar", layer));
        putBlob(repo, layer);
        putBlob(repo, config);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v2/" + repo + "/manifests/1"))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(m))));
        expect(r, 201, "manifest of " + repo);
        return host() + "/" + repo + ":1";
    }

    private static byte[] busyboxLayer() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (String d : List.of("bin/", "proc/", "dev/", "sys/", "tmp/", "etc/", "gate/", "vol/")) {
                TarArchiveEntry e = new TarArchiveEntry(d);
                e.setMode(d.equals("tmp/") ? 01777 : 0755);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
            byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
            TarArchiveEntry bin = new TarArchiveEntry("bin/busybox");
            bin.setMode(0755);
            bin.setSize(busybox.length);
            tar.putArchiveEntry(bin);
            tar.write(busybox);
            tar.closeArchiveEntry();
            for (String a : APPLETS) {
                TarArchiveEntry link = new TarArchiveEntry("bin/" + a, TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("busybox");
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private ObjectNode descriptor(String mediaType, byte[] blob) {
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest(blob))
                .put("size", blob.length);
    }

    private void putBlob(String repo, byte[] blob) throws IOException, InterruptedException {
        HttpResponse<String> start = send(HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(start, 202, "upload start in " + repo);
        URI location = uri("/").resolve(start.headers().firstValue("Location").orElseThrow());
        String sep = location.getRawQuery() == null ? "?" : "&";
        HttpResponse<String> done = send(HttpRequest.newBuilder(URI.create(location + sep + "digest=" + digest(blob)))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
        expect(done, 201, "upload of " + digest(blob));
    }

    private void awaitServing() throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue());
            }
            try {
                if (send(HttpRequest.newBuilder(uri("/v2/"))).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListening) {
                // not yet
            }
            Thread.sleep(50);
        }
        throw new IOException("docker-registry did not serve on " + host() + " within 30 s");
    }

    private URI uri(String path) {
        return URI.create("http://" + host() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> r, int status, String what) throws IOException {
        if (r.statusCode() != status) {
            throw new IOException(what + ": HTTP " + r.statusCode() + ": " + r.body());
        }
    }

    static String digest(byte[] b) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
