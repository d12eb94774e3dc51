package io.berth.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds the benchmark's OCI images as blob files on disk (streamed, so the
 * 200 MB image never sits in memory): the busybox image, the pause image
 * containerd needs for its sandboxes, and the big random-data image.
 */
final class ImageFactory {

    static final String LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A blob on disk. */
    record Blob(Path file, String digest, long size, String mediaType) {
    }

    /** An image ready to push: its layers, config and manifest, and the unpacked size. */
    record Image(String repo, String tag, List<Blob> layers, Blob config, Blob manifest, long unpackedBytes) {
        long compressedBytes() {
            return layers.stream().mapToLong(Blob::size).sum();
        }
    }

    /** Writes the entries of one layer's tar stream. */
    private interface TarBody {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private final Path dir;
    /** Layer digest → digest of its uncompressed tar, for the config's rootfs.diff_ids. */
    private final Map<String, String> diffIds = new HashMap<>();

    ImageFactory(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** busybox-static as /bin/busybox with sh and sleep linked to it. */
    Image busybox(String repo) throws IOException {
        Path busybox = Path.of("/bin/busybox");
        Blob layer = layer(tar -> {
            dirEntry(tar, "bin/");
            file(tar, "bin/busybox", Files.readAllBytes(busybox), 0755);
            for (String applet : List.of("sh", "sleep", "true", "cat")) {
                TarArchiveEntry e = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
                e.setLinkName("busybox");
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
        });
        return image(repo, "1", List.of(layer), List.of("/bin/sh"), Files.size(busybox));
    }

    /** A static pause binary as the image's entrypoint (containerd's sandbox image). */
    Image pause(String repo, Path binary) throws IOException {
        byte[] bytes = Files.readAllBytes(binary);
        Blob layer = layer(tar -> file(tar, "pause", bytes, 0755));
        return image(repo, "1", List.of(layer), List.of("/pause"), bytes.length);
    }

    /**
     * {@code layers} layers of random bytes, {@code totalMb} in all: random data
     * barely compresses, so the gzip blobs stay as large as the files.
     */
    Image big(String repo, int layers, int totalMb) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        long perLayer = (long) totalMb * 1024 * 1024 / layers;
        List<Blob> blobs = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            int index = i;
            blobs.add(layer(tar -> {
                dirEntry(tar, "data" + index + "/");
                randomFile(tar, "data" + index + "/a.bin", perLayer / 2, random);
                randomFile(tar, "data" + index + "/b.bin", perLayer - perLayer / 2, random);
            }));
        }
        return image(repo, "1", blobs, List.of("/bin/sh"), perLayer * layers);
    }

    private Blob layer(TarBody body) throws IOException {
        Path tmp = Files.createTempFile(dir, "layer", ".tmp");
        MessageDigest compressed = sha256();
        MessageDigest uncompressed = sha256();
        try (OutputStream file = Files.newOutputStream(tmp);
             DigestOutputStream c = new DigestOutputStream(file, compressed);
             GZIPOutputStream gz = new FastGzip(c);
             DigestOutputStream u = new DigestOutputStream(gz, uncompressed);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(u)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            body.write(tar);
            tar.finish();
        }
        Blob blob = store(tmp, "sha256:" + HexFormat.of().formatHex(compressed.digest()), LAYER_GZIP);
        diffIds.put(blob.digest(), "sha256:" + HexFormat.of().formatHex(uncompressed.digest()));
        return blob;
    }

    private Image image(String repo, String tag, List<Blob> layers, List<String> entrypoint, long unpacked)
            throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.put("created", "2026-01-01T00:00:00Z");
        config.put("architecture", "amd64");
        config.put("os", "linux");
        ObjectNode c = config.putObject("config");
        c.putArray("Env").add("PATH=/bin");
        ArrayNode ep = c.putArray("Entrypoint");
        entrypoint.forEach(ep::add);
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        layers.forEach(l -> ids.add(diffIds.get(l.digest())));
        Blob configBlob = storeBytes(JSON.writeValueAsBytes(config), CONFIG);

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST);
        descriptor(manifest.putObject("config"), configBlob);
        ArrayNode ls = manifest.putArray("layers");
        layers.forEach(l -> descriptor(ls.addObject(), l));
        Blob manifestBlob = storeBytes(JSON.writeValueAsBytes(manifest), MANIFEST);
        return new Image(repo, tag, layers, configBlob, manifestBlob, unpacked);
    }

    private static void descriptor(ObjectNode node, Blob blob) {
        node.put("mediaType", blob.mediaType());
        node.put("digest", blob.digest());
        node.put("size", blob.size());
    }

    private Blob storeBytes(byte[] bytes, String mediaType) throws IOException {
        Path tmp = Files.createTempFile(dir, "blob", ".tmp");
        Files.write(tmp, bytes);
        return store(tmp, "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes)), mediaType);
    }

    private Blob store(Path tmp, String digest, String mediaType) throws IOException {
        Path target = dir.resolve(digest.substring("sha256:".length()));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        return new Blob(target, digest, Files.size(target), mediaType);
    }

    private static void dirEntry(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] bytes, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100000 | mode);
        e.setSize(bytes.length);
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static void randomFile(TarArchiveOutputStream tar, String name, long size, SplittableRandom random)
            throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100644);
        e.setSize(size);
        tar.putArchiveEntry(e);
        byte[] chunk = new byte[1 << 20];
        for (long left = size; left > 0; left -= chunk.length) {
            random.nextBytes(chunk);
            tar.write(chunk, 0, (int) Math.min(chunk.length, left));
        }
        tar.closeArchiveEntry();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** gzip at level 1: building 200 MB of layers on a loaded machine must not dominate the run. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
