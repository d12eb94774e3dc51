package io.berth.image.unpack;

/** The numeric fields of a tar header: octal text, or GNU base-256 when the high bit is set. */
final class TarNumbers {

    private TarNumbers() {
    }

    static long parse(byte[] h, int off, int len) throws TarFormatException {
        if ((h[off] & 0x80) != 0) {
            return base256(h, off, len);
        }
        int i = off;
        int end = off + len;
        while (i < end && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        long v = 0;
        for (; i < end && h[i] != ' ' && h[i] != 0; i++) {
            if (h[i] < '0' || h[i] > '7') {
                throw new TarFormatException("bad octal number in tar header at offset " + off);
            }
            v = (v << 3) | (h[i] - '0');
        }
        return v;
    }

    private static long base256(byte[] h, int off, int len) throws TarFormatException {
        boolean negative = (h[off] & 0x40) != 0;
        long v = negative ? -1 : 0;
        // The marker bit is not part of the value; the sign bit below it is.
        v = (v << 7) | (h[off] & 0x7f);
        if (negative) {
            v |= ~0x7fL;
        }
        for (int i = off + 1; i < off + len; i++) {
            if ((v >> 55) != 0 && (v >> 55) != -1) {
                throw new TarFormatException("base-256 number in tar header overflows");
            }
            v = (v << 8) | (h[i] & 0xff);
        }
        return v;
    }

    /** The checksum covers the header with its own field read as spaces. */
    static void verifyChecksum(byte[] h) throws TarFormatException {
        long stored = parse(h, 148, 8);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < TarReader.BLOCK; i++) {
            byte b = i >= 148 && i < 156 ? (byte) ' ' : h[i];
            unsigned += b & 0xff;
            signed += b;
        }
        // Some old writers summed signed chars; both are accepted by GNU tar.
        if (stored != unsigned && stored != signed) {
            throw new TarFormatException("tar header checksum mismatch (corrupt layer)");
        }
    }
}
