package io.berth.image.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Hashes the uncompressed tar as the unpacker reads it, so the diff id costs
 * no second pass. Read failures of the decompressor (truncated or corrupt
 * blob) surface as {@link TarFormatException}, which callers tell apart from
 * write failures on the snapshot side.
 */
final class DigestingInputStream extends BulkInputStream {

    private final InputStream in;
    private final MessageDigest sha256;
    private long count;

    DigestingInputStream(InputStream in) {
        this.in = in;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (TarFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new TarFormatException("cannot decompress layer: " + e.getMessage(), e);
        }
        if (n > 0) {
            sha256.update(b, off, n);
            count += n;
        }
        return n;
    }

    long count() {
        return count;
    }

    String digest() {
        return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
