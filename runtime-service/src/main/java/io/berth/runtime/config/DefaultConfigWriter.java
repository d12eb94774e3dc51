package io.berth.runtime.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Prints a configuration as commented TOML ({@code berthd config default}).
 * It walks the section records, so a new table appears here without any
 * change to this class; the round-trip test proves the output parses back.
 */
public final class DefaultConfigWriter {

    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private DefaultConfigWriter() {
    }

    public static String write(BerthConfig config) {
        StringBuilder out = new StringBuilder();
        out.append("# Berth daemon configuration: /etc/berth/berth.toml (berthd --config overrides).\n");
        out.append("# Every key is optional; the values below are the defaults.\n");
        writeSection(out, "", config);
        return out.toString();
    }

    private static void writeSection(StringBuilder out, String prefix, ConfigSection section) {
        List<Sections.Entry> tables = new ArrayList<>();
        for (Sections.Entry entry : Sections.entries(section)) {
            if (entry.value() instanceof ConfigSection || entry.value() instanceof Map<?, ?>) {
                tables.add(entry);
                continue;
            }
            out.append('\n');
            comment(out, entry.doc());
            out.append(key(entry.key())).append(" = ").append(value(entry.value())).append('\n');
        }
        for (Sections.Entry table : tables) {
            String name = prefix + key(table.key());
            if (table.value() instanceof ConfigSection nested) {
                out.append('\n');
                comment(out, table.doc());
                out.append('[').append(name).append("]\n");
                writeSection(out, name + ".", nested);
            } else {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) table.value()).entrySet()) {
                    String child = name + "." + key(String.valueOf(e.getKey()));
                    out.append('\n');
                    comment(out, table.doc());
                    out.append('[').append(child).append("]\n");
                    writeSection(out, child + ".", (ConfigSection) e.getValue());
                }
            }
        }
    }

    private static void comment(StringBuilder out, String doc) {
        if (!doc.isEmpty()) {
            doc.lines().forEach(line -> out.append("# ").append(line).append('\n'));
        }
    }

    private static String key(String key) {
        return BARE_KEY.matcher(key).matches() ? key : quote(key);
    }

    private static String value(Object value) {
        return switch (value) {
            case String s -> quote(s);
            case Boolean b -> b.toString();
            case Integer i -> i.toString();
            case Long l -> l.toString();
            case List<?> list -> list.stream().map(DefaultConfigWriter::value)
                    .reduce((a, b) -> a + ", " + b).map(s -> "[" + s + "]").orElse("[]");
            default -> throw new IllegalArgumentException(
                    "no TOML form for config value of " + value.getClass().getName());
        };
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        q.append(String.format("\\u%04X", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
