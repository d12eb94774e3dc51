package io.berth.image.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One challenge of a {@code WWW-Authenticate} header (RFC 7235), e.g. {@code Bearer realm="...",service="..."}. */
public record AuthChallenge(String scheme, Map<String, String> params) {

    public AuthChallenge {
        scheme = scheme.toLowerCase(Locale.ROOT);
        params = Map.copyOf(params);
    }

    public String param(String name) {
        return params.get(name);
    }

    /** Parses every challenge in the given header values; malformed parts are skipped. */
    public static List<AuthChallenge> parseAll(List<String> headerValues) {
        List<AuthChallenge> out = new ArrayList<>();
        for (String value : headerValues) {
            parseInto(value, out);
        }
        return out;
    }

    private static void parseInto(String header, List<AuthChallenge> out) {
        int i = 0;
        int n = header.length();
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && header.charAt(i) != ' ' && header.charAt(i) != '=' && header.charAt(i) != ',') {
                i++;
            }
            String token = header.substring(start, i);
            if (token.isEmpty()) {
                break;
            }
            if (i < n && header.charAt(i) == '=') {
                i++;
                StringBuilder v = new StringBuilder();
                i = readValue(header, i, v);
                params.put(token.toLowerCase(Locale.ROOT), v.toString());
            } else {
                if (scheme != null) {
                    out.add(new AuthChallenge(scheme, params));
                }
                scheme = token;
                params = new LinkedHashMap<>();
            }
        }
        if (scheme != null) {
            out.add(new AuthChallenge(scheme, params));
        }
    }

    private static int readValue(String header, int i, StringBuilder v) {
        int n = header.length();
        if (i < n && header.charAt(i) == '"') {
            i++;
            while (i < n && header.charAt(i) != '"') {
                if (header.charAt(i) == '\\' && i + 1 < n) {
                    i++;
                }
                v.append(header.charAt(i++));
            }
            return i + 1;
        }
        while (i < n && header.charAt(i) != ',' && header.charAt(i) != ' ') {
            v.append(header.charAt(i++));
        }
        return i;
    }
}
