package io.berth.cni;

import io.berth.cni.spec.CniResult;
import java.util.List;

/**
 * The pod's addresses for PodSandboxStatus.network: {@code primaryIp} (IPv4
 * first when the pod has one, as dual-stack Kubernetes expects) and the rest
 * in {@code additionalIps}; the full CNI result for the verbose status.
 */
public record PodNetworkResult(String sandboxId, String network, String netnsPath, String ifName,
                               String primaryIp, List<String> additionalIps, CniResult cniResult) {

    public PodNetworkResult {
        additionalIps = List.copyOf(additionalIps);
    }
}
