package io.berth.runtime.cgroup;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** cgroup v2: one directory; v1-style requests converted on the way in. */
final class V2Backend extends CgroupBackend {

    private static final Logger LOG = LoggerFactory.getLogger(V2Backend.class);

    /** Controllers pods are limited by; others (rdma, misc) are left to the host. */
    static final List<String> WANTED = List.of("cpuset", "cpu", "io", "memory", "hugetlb", "pids");

    V2Backend(CgroupLayout layout, CgroupFs fs) {
        super(layout, fs);
    }

    /**
     * A v2 child only gets the controllers its parent delegates through
     * cgroup.subtree_control, so every ancestor must enable them before a
     * limit can be written below it.
     */
    @Override
    protected void prepareParent(Path hierarchy, Path parent) throws IOException {
        Set<String> missing = new LinkedHashSet<>(words(fs.read(parent.resolve("cgroup.controllers"))));
        missing.retainAll(WANTED);
        missing.removeAll(words(fs.read(parent.resolve("cgroup.subtree_control"))));
        if (missing.isEmpty()) {
            return;
        }
        Path control = parent.resolve("cgroup.subtree_control");
        try {
            fs.write(control, String.join(" ", missing.stream().map(c -> "+" + c).toList()));
        } catch (IOException all) {
            // One refused controller (e.g. cpuset under a threaded parent) fails the whole
            // write; enable the others one by one so the pod still gets memory and pids.
            for (String c : missing) {
                try {
                    fs.write(control, "+" + c);
                } catch (IOException one) {
                    LOG.warn("cannot enable the {} controller in {}: {}", c, parent, one.getMessage());
                }
            }
        }
    }

    private static List<String> words(String text) {
        String s = text.strip();
        return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
    }

    @Override
    void apply(CgroupPath path, CgroupResources r) {
        Path dir = layout.dir("", path);
        requireExists(path, dir);
        OptionalLong swapMax = CgroupConversions.swapMax(r.memorySwapLimitBytes(), r.memoryLimitBytes());
        Set<String> available = available(dir);
        if (r.cpuShares() > 0) {
            need(available, "cpu", path);
            write(dir.resolve("cpu.weight"), Long.toString(CgroupConversions.sharesToWeight(r.cpuShares())));
        }
        String cpuMax = CgroupConversions.cpuMax(r.cpuQuotaMicros(), r.cpuPeriodMicros());
        if (cpuMax != null) {
            need(available, "cpu", path);
            write(dir.resolve("cpu.max"), cpuMax);
        }
        if (!r.cpusetCpus().isEmpty() || !r.cpusetMems().isEmpty()) {
            need(available, "cpuset", path);
            writeIfSet(dir.resolve("cpuset.cpus"), r.cpusetCpus());
            writeIfSet(dir.resolve("cpuset.mems"), r.cpusetMems());
        }
        if (r.memoryLimitBytes() != 0) {
            need(available, "memory", path);
            write(dir.resolve("memory.max"), CgroupConversions.v2Limit(r.memoryLimitBytes()));
        }
        if (swapMax.isPresent()) {
            writeSwap(dir, swapMax.getAsLong());
        }
        if (r.pidsLimit() != 0) {
            need(available, "pids", path);
            write(dir.resolve("pids.max"), CgroupConversions.v2Limit(r.pidsLimit()));
        }
        r.hugepageLimits().forEach((size, limit) -> {
            need(available, "hugetlb", path);
            write(dir.resolve("hugetlb." + size + ".max"), Long.toString(limit));
        });
        applyUnified(dir, path, r);
    }

    /**
     * Without swap accounting memory.swap.max is absent. "max" then holds anyway,
     * and "0" is what the kubelet sends for every pod on a swapless node, so
     * both pass (as with runc); only a real swap budget cannot be honoured.
     */
    private void writeSwap(Path dir, long swapMax) {
        Path file = dir.resolve("memory.swap.max");
        if (!fs.exists(file)) {
            if (swapMax == -1 || swapMax == 0) {
                return;
            }
            throw new FailedPreconditionException("a swap limit was requested but the kernel has no swap"
                    + " accounting (" + file + " is missing)");
        }
        write(file, CgroupConversions.v2Limit(swapMax));
    }

    /** Unified keys come last so they override the converted values, as the CRI intends. */
    private void applyUnified(Path dir, CgroupPath path, CgroupResources r) {
        r.unified().forEach((key, value) -> {
            Path file = dir.resolve(key);
            if (!fs.exists(file)) {
                throw new InvalidArgumentException("unified cgroup key " + key + " is not a file of cgroup "
                        + path + " (is its controller enabled?)");
            }
            write(file, value);
        });
    }

    private Set<String> available(Path dir) {
        String text = readOptional(dir.resolve("cgroup.controllers"));
        return text == null ? Set.of() : Set.copyOf(words(text));
    }

    private static void need(Set<String> available, String controller, CgroupPath path) {
        if (!available.contains(controller)) {
            throw new FailedPreconditionException("the " + controller + " controller is not enabled for cgroup "
                    + path + "; cannot apply its limits");
        }
    }

    private void writeIfSet(Path file, String value) {
        if (!value.isEmpty()) {
            write(file, value);
        }
    }

    @Override
    CgroupStats stats(CgroupPath path) {
        Path dir = layout.dir("", path);
        requireExists(path, dir);
        return V2StatsReader.read(dir, this::readOptional);
    }

    @Override
    protected Path countingHierarchy() {
        return layout.unified();
    }
}
