package io.berth.image.unpack;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Parses a PAX extended header body: records "LEN KEY=VALUE\n" where LEN
 * counts the whole record in bytes (POSIX.1-2001, pax "Extended Header").
 * Values stay bytes: xattr values are binary, and only some keys are text.
 */
final class PaxRecords {

    private PaxRecords() {
    }

    static Map<String, byte[]> parse(byte[] body) throws TarFormatException {
        Map<String, byte[]> out = new HashMap<>();
        int pos = 0;
        while (pos < body.length) {
            if (body[pos] == 0) {
                break; // some writers pad the body with NULs
            }
            int space = indexOf(body, (byte) ' ', pos);
            if (space < 0) {
                throw new TarFormatException("PAX record without a length");
            }
            int len = parseLength(body, pos, space);
            int end = pos + len;
            if (len <= space - pos + 1 || end > body.length || body[end - 1] != '\n') {
                throw new TarFormatException("PAX record length " + len + " does not fit its header");
            }
            int eq = indexOf(body, (byte) '=', space + 1);
            if (eq < 0 || eq >= end) {
                throw new TarFormatException("PAX record without '='");
            }
            String key = new String(body, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            out.put(key, Arrays.copyOfRange(body, eq + 1, end - 1));
            pos = end;
        }
        return out;
    }

    private static int parseLength(byte[] b, int from, int to) throws TarFormatException {
        if (to == from || to - from > 9) {
            throw new TarFormatException("bad PAX record length");
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] < '0' || b[i] > '9') {
                throw new TarFormatException("bad PAX record length");
            }
            n = n * 10 + (b[i] - '0');
        }
        return n;
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** PAX times are decimal seconds with an optional fraction: "1700000000.5". */
    static long timeNanos(byte[] value) throws TarFormatException {
        String s = text(value);
        try {
            return new java.math.BigDecimal(s).movePointRight(9).setScale(0, java.math.RoundingMode.FLOOR)
                    .longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new TarFormatException("bad PAX time \"" + s + "\"");
        }
    }

    static long number(String key, byte[] value) throws TarFormatException {
        try {
            long n = Long.parseLong(text(value));
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new TarFormatException("bad PAX " + key + " \"" + text(value) + "\"");
        }
    }
}
