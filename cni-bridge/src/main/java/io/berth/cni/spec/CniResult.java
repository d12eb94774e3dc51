package io.berth.cni.spec;

import java.util.List;

/**
 * A plugin's (or a whole chain's) ADD result, typed, plus the JSON exactly as
 * the plugin printed it: that text is what the next plugin, CHECK and DEL get
 * as {@code prevResult}, so nothing the parser does not model is lost.
 */
public record CniResult(String cniVersion, List<CniInterface> interfaces, List<CniIpConfig> ips,
                        List<CniRoute> routes, CniDns dns, String rawJson) {

    public CniResult {
        interfaces = List.copyOf(interfaces);
        ips = List.copyOf(ips);
        routes = List.copyOf(routes);
        dns = dns == null ? CniDns.EMPTY : dns;
    }

    /**
     * Addresses on the pod's interface {@code ifName}: those whose interface
     * index names it, or which name no interface at all.
     */
    public List<CniIpConfig> ipsOn(String ifName) {
        return ips.stream().filter(ip -> {
            Integer i = ip.interfaceIndex();
            if (i == null || i < 0 || i >= interfaces.size()) {
                return true;
            }
            CniInterface itf = interfaces.get(i);
            return itf.inSandbox() && ifName.equals(itf.name());
        }).toList();
    }
}
