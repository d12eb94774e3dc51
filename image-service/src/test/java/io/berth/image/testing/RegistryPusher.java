package io.berth.image.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Pushes test images through the distribution API: blobs by monolithic
 * upload (POST then PUT) or chunked upload (POST, PATCH per chunk, PUT),
 * then manifests and indexes. Skips blobs the registry already has.
 */
public final class RegistryPusher {

    private final URI base;
    private final String authorization;
    private final HttpClient http;
    private int chunkSize;

    /** @param base e.g. {@code http://127.0.0.1:5000}; user may be null for an open registry */
    public RegistryPusher(URI base, String user, String password) {
        this(base, user, password, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    /** With a client of the caller's, e.g. one trusting a test CA for an HTTPS registry. */
    public RegistryPusher(URI base, String user, String password, HttpClient http) {
        this.base = base;
        this.http = http;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Uploads blobs in chunks of this many bytes from now on; 0 for monolithic uploads. */
    public RegistryPusher chunked(int bytes) {
        this.chunkSize = bytes;
        return this;
    }

    /** Pushes the image's blobs and its manifest under {@code tag}. */
    public void push(String repo, String tag, TestImage image) throws IOException, InterruptedException {
        pushBlobs(repo, image);
        pushManifest(repo, tag, image.manifest());
    }

    /** Pushes every image, then the index over them under {@code tag}. */
    public void pushIndex(String repo, String tag, TestImage.Blob index, List<TestImage> images)
            throws IOException, InterruptedException {
        for (TestImage i : images) {
            pushBlobs(repo, i);
            pushManifest(repo, i.manifest().digest().toString(), i.manifest());
        }
        pushManifest(repo, tag, index);
    }

    public void pushBlobs(String repo, TestImage image) throws IOException, InterruptedException {
        pushBlob(repo, image.config());
        for (TestImage.Layer l : image.layers()) {
            pushBlob(repo, l.blob());
        }
    }

    public void pushBlob(String repo, TestImage.Blob blob) throws IOException, InterruptedException {
        if (send(req(base.resolve("/v2/" + repo + "/blobs/" + blob.digest())).method("HEAD",
                HttpRequest.BodyPublishers.noBody())).statusCode() == 200) {
            return;
        }
        HttpResponse<String> start = send(req(base.resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(start, 202, "start upload of " + blob.digest());
        URI location = location(start);
        byte[] bytes = blob.bytes();
        if (chunkSize > 0) {
            for (int off = 0; off < bytes.length; off += chunkSize) {
                int end = Math.min(bytes.length, off + chunkSize);
                HttpResponse<String> patch = send(req(location).header("Content-Type", "application/octet-stream")
                        .header("Content-Range", off + "-" + (end - 1))
                        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(bytes, off, end))));
                expect(patch, 202, "upload chunk of " + blob.digest());
                location = location(patch);
            }
            bytes = new byte[0];
        }
        URI put = URI.create(location + (location.getRawQuery() == null ? "?" : "&") + "digest=" + blob.digest());
        HttpResponse<String> done = send(req(put).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        expect(done, 201, "finish upload of " + blob.digest());
    }

    public void pushManifest(String repo, String reference, TestImage.Blob manifest)
            throws IOException, InterruptedException {
        HttpResponse<String> r = send(req(base.resolve("/v2/" + repo + "/manifests/" + reference))
                .header("Content-Type", manifest.mediaType())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.bytes())));
        expect(r, 201, "push manifest " + repo + ":" + reference);
    }

    private HttpRequest.Builder req(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI location(HttpResponse<String> r) {
        return base.resolve(r.headers().firstValue("Location").orElseThrow());
    }

    private static void expect(HttpResponse<String> r, int status, String what) throws IOException {
        if (r.statusCode() != status) {
            throw new IOException(what + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }
}
