package io.berth.runtime.stream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The SPDY/3 header-compression dictionary for the test client, written out
 * independently of the server's copy from draft 3, section 2.6.10.1
 * ("|"-separated words, each sent with a 4-byte length, then a plain tail).
 */
final class SpdyDictionaryBytes {

    private static final String PREFIXED = "options|head|post|put|delete|trace|accept|accept-charset|"
            + "accept-encoding|accept-language|accept-ranges|age|allow|authorization|cache-control|connection|"
            + "content-base|content-encoding|content-language|content-length|content-location|content-md5|"
            + "content-range|content-type|date|etag|expect|expires|from|host|if-match|if-modified-since|"
            + "if-none-match|if-range|if-unmodified-since|last-modified|location|max-forwards|pragma|"
            + "proxy-authenticate|proxy-authorization|range|referer|retry-after|server|te|trailer|"
            + "transfer-encoding|upgrade|user-agent|vary|via|warning|www-authenticate|method|get|status|"
            + "200 OK|version|HTTP/1.1|url|public|set-cookie|keep-alive|origin";

    // The tail, status codes then reason phrases, dates and media types, as the draft lists it.
    private static final String[] TAIL = {
        "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505",
        "203 Non-Authoritative Information", "204 No Content", "301 Moved Permanently", "400 Bad Request",
        "401 Unauthorized", "403 Forbidden", "404 Not Found", "500 Internal Server Error",
        "501 Not Implemented", "503 Service Unavailable",
        "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT",
        "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,",
        "text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,",
        "utf-,*,enq=0.",
    };

    /** Adler-32 of the dictionary: the DICTID in every header stream's zlib header. */
    static final long ADLER32 = 0xe3c6a7c2L;

    private SpdyDictionaryBytes() {
    }

    static byte[] get() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String word : PREFIXED.split("\\|")) {
            byte[] b = word.getBytes(StandardCharsets.US_ASCII);
            out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
            out.writeBytes(b);
        }
        for (String part : TAIL) {
            out.writeBytes(part.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }
}
