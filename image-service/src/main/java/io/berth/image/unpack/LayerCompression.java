package io.berth.image.unpack;

import com.github.luben.zstd.ZstdInputStream;
import io.berth.common.error.InvalidArgumentException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * How a layer blob is compressed. The media type decides, never sniffing:
 * a registry that lies about it fails the unpack instead of being guessed
 * around (OCI image-spec layer.md; Docker image manifest v2 schema 2).
 */
public enum LayerCompression {
    NONE,
    GZIP,
    ZSTD;

    private static final Map<String, LayerCompression> BY_MEDIA_TYPE = Map.ofEntries(
            Map.entry("application/vnd.oci.image.layer.v1.tar", NONE),
            Map.entry("application/vnd.oci.image.layer.v1.tar+gzip", GZIP),
            Map.entry("application/vnd.oci.image.layer.v1.tar+zstd", ZSTD),
            Map.entry("application/vnd.oci.image.layer.nondistributable.v1.tar", NONE),
            Map.entry("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", GZIP),
            Map.entry("application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", ZSTD),
            Map.entry("application/vnd.docker.image.rootfs.diff.tar.gzip", GZIP),
            Map.entry("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", GZIP),
            Map.entry("application/vnd.docker.image.rootfs.diff.tar", NONE));

    private static final int BUFFER = 256 * 1024;

    public static LayerCompression forMediaType(String mediaType) {
        LayerCompression c = mediaType == null ? null : BY_MEDIA_TYPE.get(mediaType);
        if (c == null) {
            throw new InvalidArgumentException("unsupported layer media type \"" + mediaType + "\"");
        }
        return c;
    }

    /** Wraps {@code compressed} so that reading it yields the tar stream. */
    public InputStream decompress(InputStream compressed) throws IOException {
        return switch (this) {
            case NONE -> new BufferedInputStream(compressed, BUFFER);
            // Concatenated members too, as gzip(1) reads them.
            case GZIP -> new GzipLayerInputStream(compressed, BUFFER);
            case ZSTD -> new BufferedInputStream(new ZstdInputStream(compressed), BUFFER);
        };
    }
}
