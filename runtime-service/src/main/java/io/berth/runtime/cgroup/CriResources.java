package io.berth.runtime.cgroup;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.HugepageLimit;
import io.berth.cri.v1.LinuxContainerResources;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CRI's {@code LinuxContainerResources} in the cgroup layer's terms, in one
 * place for pod sandboxes, containers and UpdateContainerResources. The CRI's
 * zero-means-unset convention is the record's own, so values pass unchanged.
 */
public final class CriResources {

    private CriResources() {
    }

    /** Null (an absent message) means no limits. */
    public static CgroupResources from(LinuxContainerResources r) {
        if (r == null) {
            return CgroupResources.NONE;
        }
        Map<String, Long> pages = new LinkedHashMap<>();
        for (HugepageLimit h : r.getHugepageLimitsList()) {
            if (pages.put(h.getPageSize(), h.getLimit()) != null) {
                throw new InvalidArgumentException("hugepage size " + h.getPageSize() + " is limited twice");
            }
        }
        return CgroupResources.builder()
                .cpuShares(r.getCpuShares())
                .cpuQuota(r.getCpuQuota())
                .cpuPeriod(r.getCpuPeriod())
                .cpusetCpus(r.getCpusetCpus())
                .cpusetMems(r.getCpusetMems())
                .memoryLimit(r.getMemoryLimitInBytes())
                .memorySwapLimit(r.getMemorySwapLimitInBytes())
                .hugepageLimits(pages)
                .unified(r.getUnifiedMap())
                .build();
    }

    /** A pod's limits: {@code LinuxPodSandboxConfig.resources} grown by its {@code overhead}. */
    public static CgroupResources pod(LinuxContainerResources resources, LinuxContainerResources overhead) {
        return from(resources).plusOverhead(from(overhead));
    }
}
