package io.berth.image.registry;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status line and headers of an HTTP/1.1 response (RFC 9112), and the
 * body stream its framing calls for. The stream given must be buffered: the
 * head is read a byte at a time, so that no body byte is consumed with it.
 */
record HttpHead(int status, Map<String, List<String>> fields) {

    /** A hostile server must not make us buffer without bound. */
    static final int MAX_HEAD = 64 * 1024;

    List<String> headers(String name) {
        return fields.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** Reads heads until a final (non-1xx) one. */
    static HttpHead read(InputStream in) throws IOException {
        int budget = MAX_HEAD;
        while (true) {
            String statusLine = line(in, budget, "the response head");
            budget -= statusLine.length() + 2;
            int status = parseStatus(statusLine);
            Map<String, List<String>> fields = new TreeMap<>();
            for (String l; !(l = line(in, budget, "the response head")).isEmpty(); ) {
                budget -= l.length() + 2;
                int colon = l.indexOf(':');
                if (colon <= 0 || l.charAt(0) == ' ' || l.charAt(0) == '\t') {
                    throw new IOException("malformed response header line (HTTP " + status + ")");
                }
                String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                fields.computeIfAbsent(name, k -> new ArrayList<>()).add(l.substring(colon + 1).trim());
            }
            if (status >= 200) {
                return new HttpHead(status, fields);
            }
        }
    }

    private static int parseStatus(String line) throws IOException {
        // "HTTP/1.1 200 OK"; the reason phrase may be empty or missing.
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x response: \"" + printable(line) + "\"");
        }
        try {
            int status = Integer.parseInt(line.substring(9, 12));
            if (status < 100 || status > 999 || line.length() > 12 && line.charAt(12) != ' ') {
                throw new NumberFormatException();
            }
            return status;
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: \"" + printable(line) + "\"");
        }
    }

    /** One CRLF- (or LF-) terminated line of at most {@code max} bytes, without its terminator. */
    static String line(InputStream in, int max, String where) throws IOException {
        StringBuilder b = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed inside " + where);
            }
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            if (b.length() >= max) {
                throw new IOException(where + " has a line longer than " + max + " bytes");
            }
            b.append((char) c); // ISO-8859-1, as field values are bytes
        }
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) : s;
        return new String(t.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.US_ASCII)
                .replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** The body as its framing says: chunked, a Content-Length, or up to the close. */
    static InputStream body(HttpHead head, InputStream in) throws IOException {
        if (head.status() == 204 || head.status() == 304) {
            return InputStream.nullInputStream();
        }
        List<String> te = head.headers("Transfer-Encoding");
        if (!te.isEmpty()) {
            // We ask for no compression, so chunked is the only coding a registry may use.
            if (te.size() > 1 || !te.getFirst().equalsIgnoreCase("chunked")) {
                throw new IOException("unsupported Transfer-Encoding \"" + printable(String.join(", ", te)) + "\"");
            }
            return new HttpBodies.Chunked(in);
        }
        List<String> cl = head.headers("Content-Length");
        if (!cl.isEmpty()) {
            long n = contentLength(cl);
            return new HttpBodies.Fixed(in, n);
        }
        return in; // no framing: the body ends when the server closes the connection
    }

    private static long contentLength(List<String> values) throws IOException {
        long n = -1;
        for (String v : values) {
            for (String part : v.split(",")) {
                long x;
                try {
                    x = Long.parseLong(part.trim());
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length \"" + printable(v) + "\"");
                }
                if (x < 0 || n >= 0 && x != n) {
                    throw new IOException("bad Content-Length \"" + printable(v) + "\"");
                }
                n = x;
            }
        }
        return n;
    }
}
