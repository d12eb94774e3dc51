package io.berth.cni;

import io.berth.cni.spec.CniIpConfig;
import io.berth.cni.spec.CniResult;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Translates a pod request into CNI_ARGS and runtimeConfig, and a result into pod IPs. */
final class CniArgs {

    private CniArgs() {
    }

    /** CNI_ARGS as Kubernetes runtimes pass them (IgnoreUnknown first, so strict plugins accept the rest). */
    static List<Map.Entry<String, String>> args(PodNetworkRequest r) {
        return List.of(pair("IgnoreUnknown", "1"), pair("K8S_POD_NAMESPACE", r.podNamespace()),
                pair("K8S_POD_NAME", r.podName()), pair("K8S_POD_INFRA_CONTAINER_ID", r.sandboxId()),
                pair("K8S_POD_UID", r.podUid()));
    }

    /** Capability values by name (CNI CONVENTIONS); only what the pod asks for is present. */
    static Map<String, Object> capabilities(PodNetworkRequest r) {
        Map<String, Object> caps = new LinkedHashMap<>();
        List<Map<String, Object>> ports = new ArrayList<>();
        for (PortMapping p : r.portMappings()) {
            if (p.hostPort() > 0) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("hostPort", p.hostPort());
                m.put("containerPort", p.containerPort());
                m.put("protocol", p.protocol());
                if (!p.hostIp().isEmpty()) {
                    m.put("hostIP", p.hostIp());
                }
                ports.add(m);
            }
        }
        if (!ports.isEmpty()) {
            caps.put("portMappings", ports);
        }
        if (r.dns() != null) {
            caps.put("dns", Map.of("servers", r.dns().servers(), "searches", r.dns().searches(),
                    "options", r.dns().options()));
        }
        Bandwidth bw = Bandwidth.fromAnnotations(r.annotations());
        if (bw != null && !bw.isEmpty()) {
            caps.put("bandwidth", bw.capabilityValue());
        }
        if (!r.ipRanges().isEmpty()) {
            // One range set per subnet: host-local allocates one address from each set.
            caps.put("ipRanges", r.ipRanges().stream().map(s -> List.of(Map.of("subnet", s))).toList());
        }
        return caps;
    }

    /** IPv4 before IPv6, each in the order the plugin gave them. */
    static List<String> podIps(CniResult result, String ifName) {
        List<CniIpConfig> ips = new ArrayList<>(result.ipsOn(ifName));
        ips.sort(Comparator.comparing(CniIpConfig::isIpv6));
        return ips.stream().map(CniIpConfig::ip).distinct().toList();
    }

    private static Map.Entry<String, String> pair(String k, String v) {
        return new SimpleImmutableEntry<>(k, v);
    }
}
