package io.berth.runtime.rpc;

import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.cgroup.CgroupDriver;
import io.berth.runtime.stream.StreamingService;
import io.berth.runtime.stream.rpc.StreamTargets;

/**
 * What the RuntimeService handlers share, built once by berthd. Later
 * issues add their stores and clients here (sandbox store, OCI runtime, ...)
 * and hand them to their handlers in {@link RuntimeHandlers}.
 *
 * @param cgroupDriver resolved at start-up: the CRI says it stays fixed for the
 *        kubelet's lifetime (api.proto, LinuxRuntimeConfiguration)
 * @param pods         sandboxes and containers; null until berthd builds them, and then
 *                     their RPCs answer UNIMPLEMENTED
 * @param streaming    hands out Exec/Attach/PortForward URLs; null: those RPCs answer UNIMPLEMENTED
 * @param streamTargets the container and sandbox checks of those three RPCs (with {@code streaming})
 * @param podMetrics   answers the pod-metrics RPCs; null: they answer UNIMPLEMENTED
 */
public record RuntimeContext(
        BerthConfig config,
        BuildInfo build,
        CgroupDriver cgroupDriver,
        NetworkStatus network,
        PodCidrs podCidrs,
        io.berth.runtime.container.PodRuntime pods,
        StreamingService streaming,
        StreamTargets streamTargets,
        io.berth.runtime.podmetrics.PodMetricsCollector podMetrics) {

    public RuntimeContext(BerthConfig config, BuildInfo build, CgroupDriver cgroupDriver, NetworkStatus network,
                          PodCidrs podCidrs) {
        this(config, build, cgroupDriver, network, podCidrs, null);
    }

    public RuntimeContext(BerthConfig config, BuildInfo build, CgroupDriver cgroupDriver, NetworkStatus network,
                          PodCidrs podCidrs, io.berth.runtime.container.PodRuntime pods) {
        this(config, build, cgroupDriver, network, podCidrs, pods, null, null, null);
    }
}
