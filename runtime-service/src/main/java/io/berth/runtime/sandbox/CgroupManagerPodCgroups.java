package io.berth.runtime.sandbox;

import io.berth.cri.v1.HugepageLimit;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.runtime.cgroup.CgroupManager;
import io.berth.runtime.cgroup.CgroupResources;
import io.berth.runtime.cgroup.OomScoreAdj;
import io.berth.runtime.cgroup.PodCgroup;
import io.berth.runtime.cgroup.PodCgroupRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@link PodCgroups} backed by the cgroup library and its oom_score_adj probe. */
public final class CgroupManagerPodCgroups implements PodCgroups {

    private final CgroupManager cgroups;
    private final OomScoreAdj oom;

    public CgroupManagerPodCgroups(CgroupManager cgroups, OomScoreAdj oom) {
        this.cgroups = cgroups;
        this.oom = oom;
    }

    @Override
    public PodCgroup plan(Request request) {
        return cgroups.podCgroup(request.parent(), request.sandboxId());
    }

    @Override
    public PodCgroup create(Request request) {
        return cgroups.createPod(new PodCgroupRequest(request.parent(), request.sandboxId(),
                resources(request.resources()), resources(request.overhead())));
    }

    @Override
    public void update(PodCgroup cgroup, LinuxContainerResources overhead, LinuxContainerResources resources) {
        CgroupResources limits = resources(resources).plusOverhead(resources(overhead));
        if (!limits.isEmpty()) {
            cgroups.apply(cgroup.path(), limits);
        }
    }

    @Override
    public void addProcess(PodCgroup cgroup, long pid) {
        cgroups.addProcess(cgroup.path(), pid);
    }

    @Override
    public void remove(PodCgroup cgroup) {
        cgroups.removePod(cgroup);
    }

    @Override
    public void setOomScoreAdj(long pid, int value) throws IOException {
        int allowed = oom.clamp(value);
        Path file = Path.of("/proc", Long.toString(pid), "oom_score_adj");
        if (allowed != Integer.parseInt(Files.readString(file).strip())) {
            Files.writeString(file, Integer.toString(allowed));
        }
    }

    /** The CRI's resources in the cgroup library's terms; null means none. */
    static CgroupResources resources(LinuxContainerResources r) {
        if (r == null) {
            return CgroupResources.NONE;
        }
        Map<String, Long> huge = new LinkedHashMap<>();
        for (HugepageLimit h : r.getHugepageLimitsList()) {
            huge.put(h.getPageSize(), h.getLimit());
        }
        return CgroupResources.builder()
                .cpuShares(r.getCpuShares())
                .cpuQuota(r.getCpuQuota())
                .cpuPeriod(r.getCpuPeriod())
                .cpusetCpus(r.getCpusetCpus())
                .cpusetMems(r.getCpusetMems())
                .memoryLimit(r.getMemoryLimitInBytes())
                .memorySwapLimit(r.getMemorySwapLimitInBytes())
                .hugepageLimits(huge)
                .unified(r.getUnifiedMap())
                .build();
    }
}
