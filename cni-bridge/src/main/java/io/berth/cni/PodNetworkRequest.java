package io.berth.cni;

import io.berth.common.error.InvalidArgumentException;
import java.util.List;
import java.util.Map;

/**
 * Everything {@link PodNetwork#setUp} needs about a pod.
 *
 * @param sandboxId    CNI_CONTAINERID and K8S_POD_INFRA_CONTAINER_ID
 * @param netnsPath    the pinned netns (see {@link io.berth.cni.netns.NetnsManager})
 * @param portMappings the pod's port mappings; those without a host port are dropped
 * @param dns          the pod's DNS config, or null
 * @param annotations  pod annotations (bandwidth limits are read from them)
 * @param ipRanges     subnets for the "ipRanges" capability (e.g. the node's pod CIDRs), may be empty
 */
public record PodNetworkRequest(String sandboxId, String podName, String podNamespace, String podUid,
                                String netnsPath, List<PortMapping> portMappings, PodDns dns,
                                Map<String, String> annotations, List<String> ipRanges) {

    public PodNetworkRequest {
        portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        ipRanges = ipRanges == null ? List.of() : List.copyOf(ipRanges);
        for (String[] f : new String[][] {{"pod name", podName}, {"pod namespace", podNamespace},
            {"pod uid", podUid}}) {
            // They travel in CNI_ARGS, which has no quoting.
            if (f[1] == null || f[1].isEmpty() || f[1].contains(";") || f[1].contains("=")) {
                throw new InvalidArgumentException("sandbox " + sandboxId + ": invalid " + f[0] + " " + f[1]);
            }
        }
        if (netnsPath == null || netnsPath.isEmpty()) {
            throw new InvalidArgumentException("sandbox " + sandboxId + ": no network namespace path");
        }
    }

    /** The minimum: no ports, DNS, annotations or ranges. */
    public static PodNetworkRequest of(String sandboxId, String podName, String podNamespace, String podUid,
                                       String netnsPath) {
        return new PodNetworkRequest(sandboxId, podName, podNamespace, podUid, netnsPath, List.of(), null,
                Map.of(), List.of());
    }

    public PodNetworkRequest withPortMappings(List<PortMapping> mappings) {
        return new PodNetworkRequest(sandboxId, podName, podNamespace, podUid, netnsPath, mappings, dns,
                annotations, ipRanges);
    }
}
