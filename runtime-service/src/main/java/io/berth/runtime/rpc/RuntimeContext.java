package io.berth.runtime.rpc;

import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.cgroup.CgroupDriver;

/**
 * What the RuntimeService handlers share, built once by berthd. Later
 * issues add their stores and clients here (sandbox store, OCI runtime, ...)
 * and hand them to their handlers in {@link RuntimeHandlers}.
 *
 * @param cgroupDriver resolved at start-up: the CRI says it stays fixed for the
 *        kubelet's lifetime (api.proto, LinuxRuntimeConfiguration)
 */
public record RuntimeContext(
        BerthConfig config,
        BuildInfo build,
        CgroupDriver cgroupDriver,
        NetworkStatus network,
        PodCidrs podCidrs) {
}
