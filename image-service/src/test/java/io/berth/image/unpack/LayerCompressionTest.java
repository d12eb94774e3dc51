package io.berth.image.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class LayerCompressionTest {

    @Test
    void mediaTypesDecideCompression() {
        assertEquals(LayerCompression.GZIP,
                LayerCompression.forMediaType("application/vnd.docker.image.rootfs.diff.tar.gzip"));
        assertEquals(LayerCompression.GZIP,
                LayerCompression.forMediaType("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"));
        assertEquals(LayerCompression.ZSTD,
                LayerCompression.forMediaType("application/vnd.oci.image.layer.v1.tar+zstd"));
        assertEquals(LayerCompression.NONE,
                LayerCompression.forMediaType("application/vnd.oci.image.layer.v1.tar"));
    }

    @Test
    void unknownMediaTypeIsInvalidArgumentNamingIt() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> LayerCompression.forMediaType("application/vnd.oci.image.layer.v1.tar+bzip2"));
        assertTrue(e.getMessage().contains("tar+bzip2"), e.getMessage());
    }
}
