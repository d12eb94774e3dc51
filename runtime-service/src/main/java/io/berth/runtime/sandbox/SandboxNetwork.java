package io.berth.runtime.sandbox;

import java.util.List;

/**
 * The pod's network as CNI ADD left it.
 *
 * @param ip            primary pod IP (IPv4 first), empty when none
 * @param additionalIps further IPs (e.g. IPv6)
 * @param cniResult     the CNI result as JSON, for verbose status
 * @param released      true once CNI DEL ran and the netns is gone (StopPodSandbox)
 */
public record SandboxNetwork(String ip, List<String> additionalIps, String cniResult, boolean released) {

    public SandboxNetwork {
        additionalIps = additionalIps == null ? List.of() : List.copyOf(additionalIps);
        ip = ip == null ? "" : ip;
    }

    public static SandboxNetwork none() {
        return new SandboxNetwork("", List.of(), null, false);
    }

    public SandboxNetwork asReleased() {
        return new SandboxNetwork(ip, additionalIps, cniResult, true);
    }
}
