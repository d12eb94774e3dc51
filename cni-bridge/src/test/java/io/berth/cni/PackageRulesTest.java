package io.berth.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's layering (DESIGN.md §3 and STYLE.md rule 11): cni-bridge uses
 * only common; inside it, spec ← config ← exec ← cache ← the facade, and
 * netns stands alone.
 */
class PackageRulesTest {

    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "spec", Set.of(),
            "config", Set.of("spec"),
            "exec", Set.of("spec", "config"),
            "cache", Set.of("spec", "config", "exec"),
            "netns", Set.of(),
            "", Set.of("spec", "config", "exec", "cache", "netns"));

    private static final Pattern REF = Pattern.compile("io\\.berth\\.(\\w+)(?:\\.(\\w+))?");

    @Test
    void importsFollowTheLayering() throws IOException {
        Path root = Path.of("src/main/java/io/berth/cni");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = root.relativize(f.getParent());
                String pkg = rel.toString().replace('/', '.');
                for (String line : Files.readAllLines(f)) {
                    check(pkg, f.getFileName().toString(), line, violations);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    private static void check(String pkg, String file, String line, List<String> violations) {
        if (line.startsWith("package ")) {
            return;
        }
        Matcher m = REF.matcher(line);
        while (m.find()) {
            String top = m.group(1);
            if (top.equals("common")) {
                continue;
            }
            String sub = m.group(2);
            boolean ok = top.equals("cni") && (sub == null || !ALLOWED.containsKey(sub)
                    ? pkg.isEmpty() || sub == null : sub.equals(pkg) || ALLOWED.get(pkg).contains(sub));
            if (!ok) {
                violations.add(pkg + "/" + file + ": " + line.strip());
            }
        }
    }
}
