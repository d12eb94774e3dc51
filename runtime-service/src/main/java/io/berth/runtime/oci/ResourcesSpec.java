package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cri.v1.HugepageLimit;
import io.berth.cri.v1.LinuxContainerResources;

/** {@code linux.resources} from the CRI's LinuxContainerResources; zero means "not set" in the CRI. */
final class ResourcesSpec {

    private ResourcesSpec() {
    }

    static void build(LinuxContainerResources r, ObjectNode resources) {
        ObjectNode cpu = resources.putObject("cpu");
        if (r.getCpuShares() > 0) {
            cpu.put("shares", r.getCpuShares());
        }
        if (r.getCpuQuota() > 0) {
            cpu.put("quota", r.getCpuQuota());
        }
        if (r.getCpuPeriod() > 0) {
            cpu.put("period", r.getCpuPeriod());
        }
        if (!r.getCpusetCpus().isEmpty()) {
            cpu.put("cpus", r.getCpusetCpus());
        }
        if (!r.getCpusetMems().isEmpty()) {
            cpu.put("mems", r.getCpusetMems());
        }
        ObjectNode mem = resources.putObject("memory");
        if (r.getMemoryLimitInBytes() > 0) {
            mem.put("limit", r.getMemoryLimitInBytes());
        }
        if (r.getMemorySwapLimitInBytes() > 0) {
            mem.put("swap", r.getMemorySwapLimitInBytes());
        }
        if (r.getHugepageLimitsCount() > 0) {
            var pages = resources.putArray("hugepageLimits");
            for (HugepageLimit h : r.getHugepageLimitsList()) {
                pages.addObject().put("pageSize", h.getPageSize()).put("limit", h.getLimit());
            }
        }
        if (r.getUnifiedCount() > 0) {
            ObjectNode u = resources.putObject("unified");
            r.getUnifiedMap().forEach(u::put);
        }
    }
}
