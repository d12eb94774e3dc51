package io.berth.image.ref;

import io.berth.common.error.InvalidArgumentException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest in the OCI form {@code sha256:<64 lowercase hex>}. Only
 * sha256 is accepted: it is the only algorithm the registries we talk to use
 * for manifests, configs and layers, and one algorithm keeps the content store
 * layout to a single directory.
 */
public record Digest(String hex) implements Comparable<Digest> {

    public static final String ALGORITHM = "sha256";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public Digest {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new InvalidArgumentException("invalid sha256 digest hex \"" + hex + "\"");
        }
    }

    /** Parses {@code sha256:<hex>}; anything else is InvalidArgument naming the text. */
    public static Digest parse(String text) {
        if (text == null || !text.startsWith(ALGORITHM + ":")) {
            throw new InvalidArgumentException("invalid digest \"" + text + "\": want sha256:<64 hex>");
        }
        String hex = text.substring(ALGORITHM.length() + 1);
        if (!HEX.matcher(hex).matches()) {
            throw new InvalidArgumentException("invalid digest \"" + text + "\": want sha256:<64 hex>");
        }
        return new Digest(hex);
    }

    public static boolean isDigest(String text) {
        return text != null && text.startsWith(ALGORITHM + ":")
                && HEX.matcher(text.substring(ALGORITHM.length() + 1)).matches();
    }

    public static Digest of(byte[] content) {
        return fromBytes(newMessageDigest().digest(content));
    }

    public static Digest fromBytes(byte[] sha256) {
        return new Digest(HexFormat.of().formatHex(sha256));
    }

    public static MessageDigest newMessageDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** The short form people see in logs and crictl: the first 12 hex digits. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return ALGORITHM + ":" + hex;
    }

    @Override
    public int compareTo(Digest other) {
        return hex.compareTo(other.hex);
    }
}
