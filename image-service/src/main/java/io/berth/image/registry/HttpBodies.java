package io.berth.image.registry;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The byte streams of an HTTP/1.1 exchange (RFC 9112 section 6): the
 * connection's own, buffered for the head, and the three body framings. A
 * body that ends early is an error, never a short body: a truncated blob
 * must not look like a whole one.
 */
final class HttpBodies {

    private HttpBodies() {
    }

    /**
     * The connection's stream, with a small buffer for the head. A read at
     * least as large as the buffer goes straight to the socket once the
     * buffer is drained, so a body costs no extra copy.
     */
    static final class Connection extends InputStream {
        private final InputStream in;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int end;

        Connection(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (pos == end && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos == end) {
                if (len >= buf.length) {
                    return in.read(b, off, len);
                }
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        private boolean fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            pos = 0;
            end = Math.max(n, 0);
            return n > 0;
        }
    }

    /** A body stream whose logic is in its bulk read. */
    private abstract static class Body extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** A body of a Content-Length. */
    static final class Fixed extends Body {
        private final InputStream in;
        private final long length;
        private long remaining;

        Fixed(InputStream in, long length) {
            this.in = in;
            this.length = length;
            this.remaining = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed after " + (length - remaining) + " of " + length
                        + " bytes of the body");
            }
            remaining -= n;
            return n;
        }
    }

    /** A chunked body; trailer fields are read and dropped. */
    static final class Chunked extends Body {
        private static final int MAX_LINE = 4096;
        private final InputStream in;
        private long chunkLeft;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (chunkLeft == 0 && !nextChunk()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk of the body");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                expectEmptyLine();
            }
            return n;
        }

        private boolean nextChunk() throws IOException {
            if (done) {
                return false;
            }
            String line = line();
            int semi = line.indexOf(';'); // chunk extensions mean nothing to us
            String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
            try {
                chunkLeft = Long.parseUnsignedLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size in the body");
            }
            if (chunkLeft < 0 || hex.isEmpty() || hex.length() > 15) {
                throw new IOException("bad chunk size in the body");
            }
            if (chunkLeft == 0) {
                done = true;
                while (!line().isEmpty()) {
                    // trailer fields
                }
                return false;
            }
            return true;
        }

        private void expectEmptyLine() throws IOException {
            if (!line().isEmpty()) {
                throw new IOException("chunk of the body is longer than its size");
            }
        }

        private String line() throws IOException {
            return HttpHead.line(in, MAX_LINE, "the chunked body's framing");
        }
    }
}
