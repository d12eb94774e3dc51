package io.berth.image.registry;

import io.berth.common.error.InvalidArgumentException;
import io.berth.image.config.MirrorConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.ref.ImageReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides where a registry domain is reached: its mirrors in configured
 * order, then (unless a mirror entry forbids fallback) the upstream itself,
 * over HTTPS except for loopback hosts and hosts configured insecure.
 */
public final class RegistryHosts {

    private static final String DOCKER_HUB_API = "registry-1.docker.io";

    private final RegistryConfig config;
    private final Set<String> insecure;

    public RegistryHosts(RegistryConfig config) {
        this.config = config;
        this.insecure = Set.copyOf(config.insecure());
    }

    public List<RegistryEndpoint> endpoints(String domain) {
        List<RegistryEndpoint> out = new ArrayList<>();
        MirrorConfig mirrors = config.mirrors().get(domain);
        boolean fallback = true;
        if (mirrors != null) {
            for (String e : mirrors.endpoints()) {
                out.add(new RegistryEndpoint(mirrorUri(domain, e), true));
            }
            fallback = mirrors.fallback() || mirrors.endpoints().isEmpty();
        }
        if (fallback) {
            String host = domain.equals(ImageReference.DOCKER_HUB) ? DOCKER_HUB_API : domain;
            out.add(new RegistryEndpoint(URI.create(schemeFor(host) + "://" + host), false));
        }
        return out;
    }

    private URI mirrorUri(String domain, String endpoint) {
        String withScheme = endpoint.contains("://") ? endpoint : schemeFor(endpoint) + "://" + endpoint;
        URI uri;
        try {
            uri = URI.create(withScheme);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("invalid mirror endpoint \"" + endpoint + "\" for " + domain);
        }
        if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new InvalidArgumentException("invalid mirror endpoint \"" + endpoint + "\" for " + domain);
        }
        return uri;
    }

    private String schemeFor(String hostPort) {
        return isPlainHttpAllowed(hostPort) ? "http" : "https";
    }

    /** Loopback and configured insecure hosts are the only ones reached without TLS. */
    public boolean isPlainHttpAllowed(String hostPort) {
        if (insecure.contains(hostPort)) {
            return true;
        }
        String host = hostOf(hostPort);
        return insecure.contains(host) || host.equals("localhost") || host.equals("[::1]")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static String hostOf(String hostPort) {
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            return end < 0 ? hostPort : hostPort.substring(0, end + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }
}
