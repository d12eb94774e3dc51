package io.berth.runtime.container.stats;

import io.berth.cni.netns.InterfaceCounters;
import io.berth.cni.netns.NetnsManager;
import io.berth.runtime.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Interface counters read inside a pod's network namespace; empty for host-network pods. */
public interface PodNetworkCounters {

    /** The interface CNI plugins create in the pod (CNI_IFNAME). */
    String POD_INTERFACE = "eth0";

    Optional<InterfaceCounters> counters(Sandbox s);

    /** Through cni-bridge's netns helper. */
    static PodNetworkCounters netns(NetnsManager netns) {
        return s -> {
            if (s.namespaces() == null || s.namespaces().hostNetwork()) {
                return Optional.empty();
            }
            try {
                return Optional.of(netns.counters(Path.of(s.namespaces().netns()), POD_INTERFACE));
            } catch (IOException | RuntimeException e) {
                return Optional.empty(); // the pod is going away, or has no such interface
            }
        };
    }
}
