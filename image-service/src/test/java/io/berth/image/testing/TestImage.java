package io.berth.image.testing;

import io.berth.image.ref.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/**
 * A container image built in memory for tests: layers (tar, compressed as
 * asked), a config with their diff ids, and a Docker schema 2 or OCI
 * manifest. {@link #index} combines images into a multi-platform index.
 */
public final class TestImage {

    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    public enum Format { DOCKER, OCI }

    public enum Compression { NONE, GZIP, ZSTD }

    /** Some bytes with their digest and media type. */
    public record Blob(Digest digest, String mediaType, byte[] bytes) {
        public static Blob of(String mediaType, byte[] bytes) {
            return new Blob(Digest.of(bytes), mediaType, bytes);
        }

        String descriptorJson(String extra) {
            return "{\"mediaType\":" + q(mediaType) + ",\"digest\":" + q(digest.toString()) + ",\"size\":"
                    + bytes.length + extra + "}";
        }
    }

    /** A layer blob and the digest of its uncompressed tar. */
    public record Layer(Blob blob, Digest diffId) {
    }

    private final Format format;
    private final String os;
    private final String architecture;
    private final String variant;
    private final List<Layer> layers;
    private final Blob config;
    private final Blob manifest;

    private TestImage(Format format, String os, String architecture, String variant, String user, List<Layer> layers) {
        this.format = format;
        this.os = os;
        this.architecture = architecture;
        this.variant = variant;
        this.layers = List.copyOf(layers);
        this.config = Blob.of(format == Format.OCI ? "application/vnd.oci.image.config.v1+json"
                : "application/vnd.docker.container.image.v1+json", configJson(user).getBytes(StandardCharsets.UTF_8));
        String layerJson = layers.stream().map(l -> l.blob().descriptorJson("")).collect(Collectors.joining(","));
        String type = format == Format.OCI ? OCI_MANIFEST : DOCKER_MANIFEST;
        this.manifest = Blob.of(type, ("{\"schemaVersion\":2,\"mediaType\":" + q(type) + ",\"config\":"
                + config.descriptorJson("") + ",\"layers\":[" + layerJson + "]}").getBytes(StandardCharsets.UTF_8));
    }

    private String configJson(String user) {
        String diffIds = layers.stream().map(l -> q(l.diffId().toString())).collect(Collectors.joining(","));
        return "{\"created\":\"2024-01-01T00:00:00Z\",\"architecture\":" + q(architecture) + ",\"os\":" + q(os)
                + (variant == null ? "" : ",\"variant\":" + q(variant))
                + ",\"config\":{\"User\":" + q(user) + ",\"Env\":[\"PATH=/bin:/usr/bin\"],\"Cmd\":[\"/bin/sh\"]}"
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds test images; defaults: Docker format, linux/amd64, root user. */
    public static final class Builder {
        private Format format = Format.DOCKER;
        private String os = "linux";
        private String arch = "amd64";
        private String variant;
        private String user = "";
        private final List<Layer> layers = new ArrayList<>();

        public Builder format(Format f) {
            this.format = f;
            return this;
        }

        public Builder platform(String operatingSystem, String architecture, String v) {
            this.os = operatingSystem;
            this.arch = architecture;
            this.variant = v;
            return this;
        }

        public Builder user(String u) {
            this.user = u;
            return this;
        }

        public Builder layer(byte[] tar, Compression c) {
            layers.add(TestImage.layer(tar, c, format));
            return this;
        }

        public Builder layer(Layer l) {
            layers.add(l);
            return this;
        }

        public TestImage build() {
            return new TestImage(format, os, arch, variant, user, layers);
        }
    }

    /** Compresses a tar into a layer blob with the media type the format uses for it. */
    public static Layer layer(byte[] tar, Compression c, Format format) {
        Digest diffId = Digest.of(tar);
        return switch (c) {
            case NONE -> new Layer(Blob.of(format == Format.OCI ? "application/vnd.oci.image.layer.v1.tar"
                    : "application/vnd.docker.image.rootfs.diff.tar", tar), diffId);
            case GZIP -> new Layer(Blob.of(format == Format.OCI ? "application/vnd.oci.image.layer.v1.tar+gzip"
                    : "application/vnd.docker.image.rootfs.diff.tar.gzip", gzip(tar)), diffId);
            case ZSTD -> {
                if (format != Format.OCI) {
                    throw new IllegalArgumentException("zstd layers exist only in OCI manifests");
                }
                yield new Layer(Blob.of("application/vnd.oci.image.layer.v1.tar+zstd",
                        com.github.luben.zstd.Zstd.compress(tar, 3)), diffId);
            }
        };
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        // Fastest level: tests and the benchmark build many layers on a small machine.
        try (GZIPOutputStream gz = new GZIPOutputStream(b, 64 * 1024) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        }) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** A manifest list (Docker) or image index (OCI) over {@code images}, platforms from each image. */
    public static Blob index(Format format, List<TestImage> images) {
        String type = format == Format.OCI ? OCI_INDEX : DOCKER_LIST;
        String entries = images.stream().map(i -> i.manifest.descriptorJson(",\"platform\":{\"os\":" + q(i.os)
                + ",\"architecture\":" + q(i.architecture) + (i.variant == null ? "" : ",\"variant\":" + q(i.variant))
                + "}")).collect(Collectors.joining(","));
        return Blob.of(type, ("{\"schemaVersion\":2,\"mediaType\":" + q(type) + ",\"manifests\":[" + entries + "]}")
                .getBytes(StandardCharsets.UTF_8));
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    public Format format() {
        return format;
    }

    public List<Layer> layers() {
        return layers;
    }

    public Blob config() {
        return config;
    }

    public Blob manifest() {
        return manifest;
    }

    /** The image id a runtime reports: the config digest. */
    public String id() {
        return config.digest().toString();
    }

    /** Chain ids of the layers, bottom first (OCI image spec). */
    public List<String> chainIds() {
        List<String> out = new ArrayList<>();
        String chain = null;
        for (Layer l : layers) {
            String diff = l.diffId().toString();
            chain = chain == null ? diff : Digest.of((chain + " " + diff).getBytes(StandardCharsets.UTF_8)).toString();
            out.add(chain);
        }
        return out;
    }

    /** Size as containerd reports it: manifest + config + compressed layers. */
    public long size() {
        return manifest.bytes().length + config.bytes().length
                + layers.stream().mapToLong(l -> l.blob().bytes().length).sum();
    }
}
