package io.berth.image.registry;

import java.net.URI;

/**
 * One place a repository can be fetched from: the upstream registry or one
 * of its mirrors.
 *
 * @param base scheme, host, port and optional path prefix; {@code /v2/} follows it
 * @param mirror true for a configured mirror
 */
public record RegistryEndpoint(URI base, boolean mirror) {

    /** {@code <base>/v2/<repository path>/<suffix>}. */
    public URI uri(String repositoryPath, String suffix) {
        String prefix = base.toString();
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (prefix.endsWith("/v2")) {
            prefix = prefix.substring(0, prefix.length() - 3);
        }
        return URI.create(prefix + "/v2/" + repositoryPath + "/" + suffix);
    }

    /** host[:port], the key for credentials and token caches. */
    public String authority() {
        return base.getRawAuthority();
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
