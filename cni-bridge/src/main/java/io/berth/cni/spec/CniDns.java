package io.berth.cni.spec;

import java.util.List;

/** The DNS block of a CNI result or network config. */
public record CniDns(List<String> nameservers, String domain, List<String> search, List<String> options) {

    public static final CniDns EMPTY = new CniDns(List.of(), null, List.of(), List.of());

    public CniDns {
        nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
        search = search == null ? List.of() : List.copyOf(search);
        options = options == null ? List.of() : List.copyOf(options);
    }
}
