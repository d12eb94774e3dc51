package io.berth.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.config.DefaultConfigWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/config.md names every key {@code berthd config default} prints (the
 * same writer the command calls), as a dotted key in backquotes. Keys of
 * {@code [table.NAME]} tables may be documented with NAME in place of the
 * example name.
 */
class ConfigDocTest {

    private static final Pattern TABLE = Pattern.compile("^\\[(.+)]$");
    private static final Pattern KEY = Pattern.compile("^([A-Za-z0-9_-]+|\"[^\"]+\") = .*");

    /** table.key for every key line of the printed defaults, in order. */
    static List<String> printedKeys(String toml) {
        List<String> keys = new ArrayList<>();
        String table = "";
        for (String line : toml.split("\n")) {
            Matcher t = TABLE.matcher(line);
            Matcher k = KEY.matcher(line);
            if (t.matches()) {
                table = t.group(1).replace("\"", "") + ".";
            } else if (k.matches()) {
                keys.add(table + k.group(1).replace("\"", ""));
            }
        }
        return keys;
    }

    private static boolean documented(String doc, String key) {
        if (doc.contains("`" + key + "`")) {
            return true;
        }
        String[] parts = key.split("\\.");
        if (parts.length >= 3) {
            parts[parts.length - 2] = "NAME";
            return doc.contains("`" + String.join(".", parts) + "`");
        }
        return false;
    }

    @Test
    void everyPrintedKeyIsDocumented() throws IOException {
        String doc = Files.readString(Commands.REPO.resolve("docs/config.md"));
        List<String> keys = printedKeys(DefaultConfigWriter.write(BerthConfig.defaults()));
        assertFalse(keys.isEmpty(), "the defaults print keys");
        List<String> missing = keys.stream().filter(k -> !documented(doc, k)).toList();
        assertTrue(missing.isEmpty(), "docs/config.md does not document " + missing
                + " (add a row naming the dotted key in backquotes)");
    }

    @Test
    void readsTheKeysOfTablesAndTopLevel() {
        String toml = "# c\nsocket = \"x\"\n\n[cgroup]\n# d\ndriver = \"\"\n[runtimes.runc]\npath = \"runc\"\n";
        assertEquals(List.of("socket", "cgroup.driver", "runtimes.runc.path"), printedKeys(toml));
        assertTrue(documented("`runtimes.NAME.path`", "runtimes.runc.path"));
        assertFalse(documented("`socket`", "cgroup.driver"));
    }
}
