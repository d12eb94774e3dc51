package io.berth.image.registry;

import io.berth.image.testing.TestImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An in-memory {@link RegistryTransport} for unit tests: serves manifests by
 * tag or digest and blobs by digest for any host, records every request, and
 * lets a test put a hook in front (auth challenges, redirects, failures).
 */
public final class FakeRegistry implements RegistryTransport {

    /** A canned answer. */
    public record Answer(int status, Map<String, List<String>> headers, byte[] content) implements Response {
        public static Answer of(int status, byte[] body, String... headerPairs) {
            Map<String, List<String>> h = new java.util.HashMap<>();
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                h.computeIfAbsent(headerPairs[i].toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
                        .add(headerPairs[i + 1]);
            }
            h.put("content-length", List.of(String.valueOf(body.length)));
            return new Answer(status, h, body);
        }

        @Override
        public List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
        }

        @Override
        public InputStream body() {
            return new ByteArrayInputStream(content);
        }
    }

    private final Map<String, TestImage.Blob> manifests = new ConcurrentHashMap<>();
    private final Map<String, TestImage.Blob> blobs = new ConcurrentHashMap<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> hook = r -> null;

    /** Serves {@code image} as {@code <path>:<tag>} (and by digest). */
    public FakeRegistry serve(String path, String tag, TestImage image) {
        manifests.put(path + ":" + tag, image.manifest());
        manifests.put(path + ":" + image.manifest().digest(), image.manifest());
        blobs.put(image.config().digest().toString(), image.config());
        image.layers().forEach(l -> blobs.put(l.blob().digest().toString(), l.blob()));
        return this;
    }

    public FakeRegistry serveManifest(String path, String reference, TestImage.Blob manifest) {
        manifests.put(path + ":" + reference, manifest);
        return this;
    }

    /** Answers requests for which {@code h} returns non-null. */
    public FakeRegistry hook(Function<Request, Answer> h) {
        this.hook = h;
        return this;
    }

    public long count(String pathPart) {
        return requests.stream().filter(r -> r.uri().getPath().contains(pathPart)).count();
    }

    @Override
    public Response send(Request request) {
        requests.add(request);
        Answer hooked = hook.apply(request);
        if (hooked != null) {
            return hooked;
        }
        URI uri = request.uri();
        String path = uri.getPath();
        int m = path.indexOf("/manifests/");
        if (m > 0) {
            TestImage.Blob b = manifests.get(path.substring(4, m) + ":" + path.substring(m + 11));
            return b == null ? Answer.of(404, new byte[0]) : Answer.of(200, b.bytes(), "Content-Type", b.mediaType());
        }
        int bl = path.indexOf("/blobs/");
        if (bl > 0) {
            TestImage.Blob b = blobs.get(path.substring(bl + 7));
            return b == null ? Answer.of(404, new byte[0]) : Answer.of(200, b.bytes());
        }
        return Answer.of(404, new byte[0]);
    }
}
