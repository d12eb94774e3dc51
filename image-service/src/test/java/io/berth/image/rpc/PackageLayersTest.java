package io.berth.image.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The image service's package layering, written down and checked (STYLE.md
 * rule 11): each package may use only the ones listed, so the graph has no
 * cycles and the RPC layer stays on top.
 */
class PackageLayersTest {

    private static final Path MAIN = Path.of("src/main/java/io/berth/image");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.berth\\.image\\.([a-z]+)\\.",
            Pattern.MULTILINE);

    static final Map<String, Set<String>> ALLOWED = Map.of(
            "ref", Set.of(),
            "config", Set.of(),
            "failure", Set.of(),
            "unpack", Set.of(),
            "snapshot", Set.of("unpack"),
            "content", Set.of("ref", "failure"),
            "registry", Set.of("ref", "config", "failure"),
            "store", Set.of("ref", "content", "snapshot"),
            "pull", Set.of("ref", "config", "failure", "registry", "content", "store", "snapshot"),
            "rpc", Set.of("ref", "config", "failure", "registry", "content", "store", "snapshot", "pull"));

    @Test
    void everyPackageUsesOnlyWhatItsLayerAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> packages = Files.list(MAIN)) {
            for (Path pkg : packages.filter(Files::isDirectory).toList()) {
                String name = pkg.getFileName().toString();
                assertTrue(ALLOWED.containsKey(name), "package " + name + " needs a line in ALLOWED");
                try (Stream<Path> files = Files.walk(pkg)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        Matcher m = IMPORT.matcher(Files.readString(f));
                        while (m.find()) {
                            String used = m.group(1);
                            checked++;
                            if (!used.equals(name) && !ALLOWED.get(name).contains(used)) {
                                violations.add(MAIN.relativize(f) + " uses " + used);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 50, "read the sources: " + checked + " imports");
        assertEquals(List.of(), violations);
    }
}
