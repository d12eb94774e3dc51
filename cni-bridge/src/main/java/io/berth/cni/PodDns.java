package io.berth.cni;

import java.util.List;

/** The pod's DNS settings (CRI DNSConfig), passed to plugins with the "dns" capability. */
public record PodDns(List<String> servers, List<String> searches, List<String> options) {

    public PodDns {
        servers = List.copyOf(servers);
        searches = List.copyOf(searches);
        options = List.copyOf(options);
    }
}
