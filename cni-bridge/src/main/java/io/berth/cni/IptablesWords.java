package io.berth.cni;

import java.util.ArrayList;
import java.util.List;

/** Splits a rule as {@code iptables -S} prints it back into the arguments that made it. */
public final class IptablesWords {

    private IptablesWords() {
    }

    /** Words split at spaces; a double-quoted part, with its {@code \"} escapes undone, is one word. */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any || !cur.isEmpty()) {
                    out.add(cur.toString());
                }
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
            }
        }
        if (any || !cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }
}
