package io.berth.cni.spec;

/** One route from a CNI result; the fields after {@code gw} appeared in spec 1.1.0. */
public record CniRoute(String dst, String gw, Integer mtu, Integer advmss, Integer priority,
                       Integer table, String scope) {
}
