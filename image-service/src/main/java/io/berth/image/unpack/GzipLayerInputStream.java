package io.berth.image.unpack;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A gzip reader (RFC 1952) for layer blobs: members one after another, as
 * gzip(1) reads them, each checked against its trailer's length.
 *
 * <p>Unlike {@link java.util.zip.GZIPInputStream} it does not compute the
 * members' CRC-32. A layer's bytes are checked twice with SHA-256 already
 * (the blob digest over the compressed bytes, the diff id over the tar), and
 * a pull keeps a layer only when both match; the CRC was a tenth of the CPU
 * a pull spends on its unpacking threads (perf, 230 MB gzip image).
 *
 * <p>Bytes after a member that do not start another one are left unread
 * (the caller still reads them into the blob digest), as GZIPInputStream
 * ignores them too.
 */
final class GzipLayerInputStream extends BulkInputStream {

    private static final int FTEXT_RESERVED = 0xe0;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final InputStream in;
    private final byte[] buf;
    private final Inflater inflater = new Inflater(true);
    // buf[pos, end) are read but not yet given to the inflater or parsed.
    private int pos;
    private int end;
    private boolean eof;

    /** Reads the first member's header at once, so a stream that is not gzip fails here. */
    GzipLayerInputStream(InputStream in, int bufferSize) throws IOException {
        this.in = in;
        this.buf = new byte[bufferSize];
        try {
            readHeader();
        } catch (IOException | RuntimeException e) {
            inflater.end();
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!eof) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new ZipException(e.getMessage() != null ? e.getMessage() : "invalid deflate data");
            }
            if (n > 0) {
                return n;
            }
            if (inflater.finished()) {
                endMember();
            } else if (inflater.needsDictionary()) {
                throw new ZipException("deflate data asks for a preset dictionary, which gzip never has");
            } else if (inflater.needsInput()) {
                feedInflater();
            }
        }
        return -1;
    }

    private void feedInflater() throws IOException {
        if (pos == end && !fill()) {
            throw new EOFException("gzip stream ends inside a member's data");
        }
        inflater.setInput(buf, pos, end - pos);
        pos = end;
    }

    /** Checks the trailer's length, then starts the next member or ends the stream. */
    private void endMember() throws IOException {
        pos = end - inflater.getRemaining(); // what the inflater was given but did not need
        readInt(); // CRC-32: see the class comment
        long size = readInt() & 0xffffffffL;
        if (size != (inflater.getBytesWritten() & 0xffffffffL)) {
            throw new ZipException("gzip member holds " + inflater.getBytesWritten() + " bytes, its trailer says "
                    + size + " (mod 2^32)");
        }
        if ((pos == end && !fill()) || !startsMember()) {
            eof = true;
            return;
        }
        inflater.reset();
        readHeader();
    }

    private boolean startsMember() throws IOException {
        if (end - pos < 2) {
            // the second magic byte may be in the next read
            System.arraycopy(buf, pos, buf, 0, end - pos);
            end -= pos;
            pos = 0;
            int n = in.read(buf, end, buf.length - end);
            end += Math.max(n, 0);
        }
        return end - pos >= 2 && (buf[pos] & 0xff) == 0x1f && (buf[pos + 1] & 0xff) == 0x8b;
    }

    private void readHeader() throws IOException {
        if (readByte() != 0x1f || readByte() != 0x8b) {
            throw new ZipException("Not in GZIP format");
        }
        if (readByte() != 8) {
            throw new ZipException("gzip member uses a compression method other than deflate");
        }
        int flags = readByte();
        if ((flags & FTEXT_RESERVED) != 0) {
            throw new ZipException("gzip header has reserved flags set");
        }
        skip(6); // MTIME, XFL, OS
        if ((flags & FEXTRA) != 0) {
            skip(readByte() | readByte() << 8);
        }
        if ((flags & FNAME) != 0) {
            skipCString();
        }
        if ((flags & FCOMMENT) != 0) {
            skipCString();
        }
        if ((flags & FHCRC) != 0) {
            skip(2);
        }
    }

    private void skipCString() throws IOException {
        while (readByte() != 0) {
            // a file name or comment: nothing we use
        }
    }

    private void skip(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            readByte();
        }
    }

    private int readInt() throws IOException {
        return readByte() | readByte() << 8 | readByte() << 16 | readByte() << 24;
    }

    private int readByte() throws IOException {
        if (pos == end && !fill()) {
            throw new EOFException("gzip stream ends inside a member's header or trailer");
        }
        return buf[pos++] & 0xff;
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        pos = 0;
        end = Math.max(n, 0);
        return n > 0;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}
