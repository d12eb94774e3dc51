package io.berth.image.testing;

import com.github.luben.zstd.ZstdInputStream;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.image.ref.Digest;
import io.berth.image.snapshot.PreparedLayer;
import io.berth.image.snapshot.Snapshotter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * An in-memory {@link Snapshotter} for unit tests: it decompresses the blob
 * to compute the diff id as the real one does, remembers parents, and
 * counts unpacks. Nothing is written to disk.
 */
public final class FakeSnapshotter implements Snapshotter {

    private final Map<String, String> parents = new ConcurrentHashMap<>();
    public final AtomicInteger unpacks = new AtomicInteger();
    public final AtomicInteger prepared = new AtomicInteger();
    /** Prepared layers closed; a committed one is not counted (commit uses it up). */
    public final AtomicInteger discarded = new AtomicInteger();

    @Override
    public boolean exists(String chainId) {
        return parents.containsKey(chainId);
    }

    @Override
    public synchronized String unpack(String chainId, String parentChainId, Path blob, String mediaType)
            throws IOException {
        if (parentChainId != null && !exists(parentChainId)) {
            throw new FailedPreconditionException("parent " + parentChainId + " of " + chainId + " is not committed");
        }
        MessageDigest sha = Digest.newMessageDigest();
        try (InputStream raw = Files.newInputStream(blob);
             InputStream in = new DigestInputStream(decompress(raw, mediaType), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        unpacks.incrementAndGet();
        parents.putIfAbsent(chainId, parentChainId == null ? "" : parentChainId);
        return Digest.fromBytes(sha.digest()).toString();
    }

    @Override
    public PreparedLayer prepare(InputStream compressed, String mediaType, String label, boolean readAhead)
            throws IOException {
        MessageDigest sha = Digest.newMessageDigest();
        try {
            InputStream in = new DigestInputStream(decompress(compressed, mediaType), sha);
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (java.io.InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            // as the real one: a stream that does not decompress is a bad layer
            throw new InvalidArgumentException("layer " + label + " is not readable: " + e.getMessage(), e);
        }
        String diffId = Digest.fromBytes(sha.digest()).toString();
        prepared.incrementAndGet();
        return new Layer(diffId);
    }

    private final class Layer implements PreparedLayer {
        private final String diffId;
        private boolean used;

        Layer(String diffId) {
            this.diffId = diffId;
        }

        @Override
        public String diffId() {
            return diffId;
        }

        @Override
        public synchronized void close() {
            if (!used) {
                used = true;
                discarded.incrementAndGet();
            }
        }
    }

    @Override
    public synchronized String commit(PreparedLayer layer, String chainId, String parentChainId) {
        if (parentChainId != null && !exists(parentChainId)) {
            throw new FailedPreconditionException("parent " + parentChainId + " of " + chainId + " is not committed");
        }
        synchronized (layer) {
            ((Layer) layer).used = true;
        }
        unpacks.incrementAndGet();
        parents.putIfAbsent(chainId, parentChainId == null ? "" : parentChainId);
        return layer.diffId();
    }

    /** Commits a snapshot without a blob, for tests that only need the tree. */
    public void add(String chainId, String parentChainId) {
        parents.put(chainId, parentChainId == null ? "" : parentChainId);
    }

    private static InputStream decompress(InputStream raw, String mediaType) throws IOException {
        if (mediaType.endsWith("gzip")) {
            return new GZIPInputStream(raw);
        }
        if (mediaType.endsWith("zstd")) {
            return new ZstdInputStream(raw);
        }
        return raw;
    }

    @Override
    public List<Path> lowerDirs(String chainId) {
        List<Path> out = new ArrayList<>();
        for (String c = chainId; c != null && !c.isEmpty(); c = parents.get(c)) {
            out.add(Path.of("/fake", c));
        }
        return out;
    }

    @Override
    public synchronized void remove(String chainId) {
        if (parents.containsValue(chainId)) {
            throw new FailedPreconditionException("snapshot " + chainId + " is a parent");
        }
        parents.remove(chainId);
    }

    @Override
    public Set<String> list() {
        return Set.copyOf(parents.keySet());
    }

    @Override
    public long usageBytes(String chainId) {
        return exists(chainId) ? 4096 : 0;
    }
}
