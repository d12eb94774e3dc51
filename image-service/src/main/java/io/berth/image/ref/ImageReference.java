package io.berth.image.ref;

import io.berth.common.error.InvalidArgumentException;
import java.util.regex.Pattern;

/**
 * A fully qualified image reference: registry domain, repository path, and a
 * tag or a digest. Parsing normalises the way the rest of the ecosystem does,
 * so {@code busybox} becomes {@code docker.io/library/busybox:latest}. When a
 * reference carries both a tag and a digest the digest wins and the tag is
 * dropped, because only the digest says which content is meant.
 *
 * @param domain registry host with optional port, e.g. {@code docker.io}, {@code 127.0.0.1:5000}
 * @param path repository path inside the registry, e.g. {@code library/busybox}
 * @param tag the tag, or null when a digest is given
 * @param digest the manifest digest, or null when a tag is given
 */
public record ImageReference(String domain, String path, String tag, Digest digest) {

    public static final String DOCKER_HUB = "docker.io";
    public static final String DEFAULT_TAG = "latest";
    private static final int MAX_NAME_LENGTH = 255;

    // Grammar facts from the distribution reference format.
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final String DOMAIN_LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:" + DOMAIN_LABEL + "(?:\\." + DOMAIN_LABEL + ")*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern BARE_ID = Pattern.compile("[0-9a-f]{64}");

    public ImageReference {
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("a reference needs a tag or a digest");
        }
        if (tag != null && digest != null) {
            tag = null;
        }
    }

    /** Parses and normalises; a malformed reference is InvalidArgument naming it. */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidArgumentException("image reference is empty");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String d = rest.substring(at + 1);
            if (!Digest.isDigest(d)) {
                throw invalid(text, "digest must be sha256:<64 hex>");
            }
            digest = Digest.parse(d);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "invalid tag \"" + tag + "\"");
            }
        }
        return build(text, rest, tag, digest);
    }

    private static ImageReference build(String text, String name, String tag, Digest digest) {
        if (BARE_ID.matcher(name).matches()) {
            throw invalid(text, "a 64-hex name is ambiguous with an image id");
        }
        String domain;
        String path;
        int slash = name.indexOf('/');
        String first = slash < 0 ? name : name.substring(0, slash);
        if (slash < 0 || !looksLikeDomain(first)) {
            domain = DOCKER_HUB;
            path = name;
        } else {
            domain = first;
            path = name.substring(slash + 1);
        }
        if (domain.equals("index.docker.io")) {
            domain = DOCKER_HUB;
        }
        if (domain.equals(DOCKER_HUB) && path.indexOf('/') < 0) {
            path = "library/" + path;
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw invalid(text, "invalid registry host \"" + domain + "\"");
        }
        if (!PATH.matcher(path).matches()) {
            throw invalid(text, "repository name must be lowercase components separated by '/'");
        }
        if (domain.length() + 1 + path.length() > MAX_NAME_LENGTH) {
            throw invalid(text, "name longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (tag == null && digest == null) {
            tag = DEFAULT_TAG;
        }
        return new ImageReference(domain, path, tag, digest);
    }

    // The first component is a registry host when it could not be a
    // repository component: it has a dot or a port, is localhost, or has
    // upper case (repository paths are lower case only).
    private static boolean looksLikeDomain(String first) {
        return first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(java.util.Locale.ROOT));
    }

    private static InvalidArgumentException invalid(String text, String why) {
        return new InvalidArgumentException("invalid image reference \"" + text + "\": " + why);
    }

    /** {@code domain/path}, the name without tag or digest. */
    public String repository() {
        return domain + "/" + path;
    }

    /** The tag or digest as it goes into a manifest URL. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    public ImageReference withDigest(Digest d) {
        return new ImageReference(domain, path, null, d);
    }

    @Override
    public String toString() {
        return digest != null ? repository() + "@" + digest : repository() + ":" + tag;
    }
}
