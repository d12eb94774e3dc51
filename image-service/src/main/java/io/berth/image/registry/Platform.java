package io.berth.image.registry;

import io.berth.common.error.InvalidArgumentException;

/**
 * An OCI platform: os, architecture and optional variant. Variants are
 * normalised so that {@code arm64} and {@code arm64/v8} compare equal, and
 * {@code arm} means {@code arm/v7}, as registries publish them both ways.
 */
public record Platform(String os, String architecture, String variant) {

    public Platform {
        os = os == null ? "" : os;
        architecture = architecture == null ? "" : architecture;
        variant = normaliseVariant(architecture, variant == null ? "" : variant);
    }

    /** Parses {@code os/arch[/variant]}. */
    public static Platform parse(String text) {
        String[] parts = text == null ? new String[0] : text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new InvalidArgumentException("invalid platform \"" + text + "\": want os/arch[/variant]");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
    }

    private static String normaliseVariant(String arch, String variant) {
        if (arch.equals("arm64") && variant.isEmpty()) {
            return "v8";
        }
        if (arch.equals("arm") && variant.isEmpty()) {
            return "v7";
        }
        return variant;
    }

    /**
     * How well an image for {@code candidate} suits this platform: 2 for an
     * exact variant match, 1 for a variant this one can run (older arm, or
     * any x86-64 level when we asked for none), 0 for no match.
     */
    public int score(Platform candidate) {
        if (!os.equals(candidate.os) || !architecture.equals(candidate.architecture)) {
            return 0;
        }
        if (variant.equals(candidate.variant)) {
            return 2;
        }
        if (architecture.equals("arm") && candidate.variant.compareTo(variant) < 0) {
            return 1;
        }
        if (variant.isEmpty() || candidate.variant.isEmpty()) {
            return 1;
        }
        return 0;
    }

    @Override
    public String toString() {
        return variant.isEmpty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
    }
}
