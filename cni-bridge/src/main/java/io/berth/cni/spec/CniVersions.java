package io.berth.cni.spec;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Semantic versions of the CNI spec and the ones this runtime speaks. */
public final class CniVersions {

    /** Versions whose config and result formats Berth understands (0.1/0.2 results are read too). */
    public static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

    private CniVersions() {
    }

    /** Compares dotted numeric versions; a missing part counts as 0. */
    public static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int d = Integer.compare(part(x, i), part(y, i));
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    public static boolean atLeast(String version, String floor) {
        return compare(version, floor) >= 0;
    }

    /** The highest version in {@code candidates} that Berth supports (spec 1.1: cniVersions). */
    public static Optional<String> highestSupported(Collection<String> candidates) {
        return candidates.stream().filter(SUPPORTED::contains).max(CniVersions::compare);
    }

    private static int part(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CNI version: " + String.join(".", parts), e);
        }
    }
}
