package io.berth.runtime.container.stats;

import io.berth.cni.netns.InterfaceCounters;
import io.berth.common.error.NotFoundException;
import io.berth.cri.v1.ContainerAttributes;
import io.berth.cri.v1.ContainerStats;
import io.berth.cri.v1.CpuUsage;
import io.berth.cri.v1.FilesystemIdentifier;
import io.berth.cri.v1.FilesystemUsage;
import io.berth.cri.v1.LinuxPodSandboxStats;
import io.berth.cri.v1.MemoryUsage;
import io.berth.cri.v1.NetworkInterfaceUsage;
import io.berth.cri.v1.NetworkUsage;
import io.berth.cri.v1.PodSandboxAttributes;
import io.berth.cri.v1.PodSandboxStats;
import io.berth.cri.v1.ProcessUsage;
import io.berth.cri.v1.SwapUsage;
import io.berth.cri.v1.UInt64Value;
import io.berth.runtime.cgroup.CgroupManager;
import io.berth.runtime.cgroup.CgroupPath;
import io.berth.runtime.cgroup.CgroupStats;
import io.berth.runtime.cgroup.CpuRateTracker;
import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerLayout;
import io.berth.runtime.container.ContainerProtos;
import io.berth.runtime.container.ContainerState;
import io.berth.runtime.sandbox.Sandbox;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Container and pod stats from the cgroup layer (v1 or v2, whichever the host
 * has), the writable layer and the pod's netns. CPU rates come from the
 * previous sample of the same cgroup ({@link CpuRateTracker}), so the first
 * call for a container has no {@code usage_nano_cores}.
 */
public final class StatsCollector {

    private final CgroupManager cgroups;
    private final CpuRateTracker rates;
    private final ContainerLayout layout;
    private final Function<String, Optional<Sandbox>> sandboxes;
    private final PodNetworkCounters network;

    public StatsCollector(CgroupManager cgroups, CpuRateTracker rates, ContainerLayout layout,
                          Function<String, Optional<Sandbox>> sandboxes, PodNetworkCounters network) {
        this.cgroups = cgroups;
        this.rates = rates;
        this.layout = layout;
        this.sandboxes = sandboxes;
        this.network = network;
    }

    public ContainerStats container(Container c) {
        ContainerStats.Builder b = ContainerStats.newBuilder().setAttributes(ContainerAttributes.newBuilder()
                .setId(c.id()).setMetadata(ContainerProtos.metadata(c))
                .putAllLabels(c.labels()).putAllAnnotations(c.annotations()));
        writable(c, b);
        if (c.state() != ContainerState.RUNNING) {
            return b.build();
        }
        Optional<Sandbox> s = sandboxes.apply(c.sandboxId());
        if (s.isEmpty()) {
            return b.build();
        }
        sample(c.id(), cgroups.containerPath(s.get().cgroup(), c.id())).ifPresent(st -> {
            b.setCpu(cpu(c.id(), st)).setMemory(memory(st)).setSwap(swap(st));
        });
        return b.build();
    }

    public PodSandboxStats pod(Sandbox s, List<Container> containers) {
        LinuxPodSandboxStats.Builder lx = LinuxPodSandboxStats.newBuilder();
        Optional<CgroupStats> st = sample("pod-" + s.id(), s.cgroup().path());
        st.ifPresent(x -> lx.setCpu(cpu("pod-" + s.id(), x)).setMemory(memory(x)));
        st.ifPresent(x -> lx.setProcess(processes(s, x)));
        network.counters(s).ifPresent(n -> lx.setNetwork(NetworkUsage.newBuilder()
                .setTimestamp(st.map(CgroupStats::timestampNanos).orElse(0L)).setDefaultInterface(iface(n))));
        for (Container c : containers) {
            lx.addContainers(container(c));
        }
        return PodSandboxStats.newBuilder().setAttributes(PodSandboxAttributes.newBuilder()
                .setId(s.id()).setMetadata(s.metadata().toProto())
                .putAllLabels(s.labels()).putAllAnnotations(s.annotations())).setLinux(lx).build();
    }

    /** Callers forget removed containers and pods, so the rate map does not grow. */
    public void forget(String id) {
        rates.forget(id);
        rates.forget("pod-" + id);
    }

    private Optional<CgroupStats> sample(String key, CgroupPath path) {
        try {
            return Optional.of(cgroups.stats(path));
        } catch (NotFoundException gone) {
            return Optional.empty(); // exited between the state check and the read
        }
    }

    private ProcessUsage processes(Sandbox s, CgroupStats st) {
        long count;
        try {
            count = cgroups.processCount(s.cgroup().path());
        } catch (NotFoundException e) {
            count = 0;
        }
        return ProcessUsage.newBuilder().setTimestamp(st.timestampNanos()).setProcessCount(u64(count)).build();
    }

    private CpuUsage cpu(String key, CgroupStats st) {
        CpuUsage.Builder b = CpuUsage.newBuilder().setTimestamp(st.timestampNanos())
                .setUsageCoreNanoSeconds(u64(st.cpuUsageNanos()));
        rates.update(key, st).ifPresent(r -> b.setUsageNanoCores(u64(r)));
        return b.build();
    }

    private static MemoryUsage memory(CgroupStats st) {
        MemoryUsage.Builder b = MemoryUsage.newBuilder().setTimestamp(st.timestampNanos())
                .setWorkingSetBytes(u64(st.workingSetBytes())).setUsageBytes(u64(st.memoryUsageBytes()))
                .setRssBytes(u64(st.rssBytes())).setPageFaults(u64(st.pageFaults()))
                .setMajorPageFaults(u64(st.majorPageFaults()));
        st.availableBytes().ifPresent(a -> b.setAvailableBytes(u64(a)));
        return b.build();
    }

    private static SwapUsage swap(CgroupStats st) {
        SwapUsage.Builder b = SwapUsage.newBuilder().setTimestamp(st.timestampNanos())
                .setSwapUsageBytes(u64(st.swapUsageBytes()));
        st.swapLimitBytes().ifPresent(l -> b.setSwapAvailableBytes(u64(Math.max(0, l - st.swapUsageBytes()))));
        return b.build();
    }

    private void writable(Container c, ContainerStats.Builder b) {
        try {
            WritableLayer w = WritableLayer.measure(layout.upper(c.id()));
            b.setWritableLayer(FilesystemUsage.newBuilder().setTimestamp(System.currentTimeMillis() * 1_000_000L)
                    .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(layout.upper(c.id()).toString()))
                    .setUsedBytes(u64(w.bytes())).setInodesUsed(u64(w.inodes())));
        } catch (IOException e) {
            // removed concurrently: stats without the writable layer
        }
    }

    private static NetworkInterfaceUsage iface(InterfaceCounters n) {
        return NetworkInterfaceUsage.newBuilder().setName(n.name())
                .setRxBytes(u64(n.rxBytes())).setRxErrors(u64(n.rxErrors()))
                .setTxBytes(u64(n.txBytes())).setTxErrors(u64(n.txErrors())).build();
    }

    private static UInt64Value u64(long v) {
        return UInt64Value.newBuilder().setValue(v).build();
    }
}
