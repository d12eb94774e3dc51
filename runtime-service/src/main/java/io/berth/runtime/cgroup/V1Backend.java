package io.berth.runtime.cgroup;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InternalException;
import io.berth.common.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Path;

/** cgroup v1: one directory per hierarchy, limits in the v1 files the CRI speaks in. */
final class V1Backend extends CgroupBackend {

    V1Backend(CgroupLayout layout, CgroupFs fs) {
        super(layout, fs);
    }

    /**
     * A new v1 cpuset starts with empty cpus and mems and then refuses every
     * task, so it inherits its parent's (what cgroup.clone_children would do
     * if it were set on every parent). Parents are checked too, top-down: a
     * concurrent create may have made one and not filled it yet.
     */
    @Override
    protected void prepareParent(Path hierarchy, Path parent) throws IOException {
        if (isCpuset(hierarchy) && !parent.equals(hierarchy)) {
            inheritCpuset(parent);
        }
    }

    @Override
    protected void initialise(Path hierarchy, Path dir) throws IOException {
        if (isCpuset(hierarchy)) {
            inheritCpuset(dir);
        }
    }

    private boolean isCpuset(Path hierarchy) {
        return hierarchy.equals(layout.controllers().get("cpuset"));
    }

    private void inheritCpuset(Path dir) throws IOException {
        for (String file : new String[] {"cpuset.cpus", "cpuset.mems"}) {
            if (fs.read(dir.resolve(file)).isBlank()) {
                fs.write(dir.resolve(file), fs.read(dir.getParent().resolve(file)).strip());
            }
        }
    }

    @Override
    void apply(CgroupPath path, CgroupResources r) {
        if (!r.unified().isEmpty()) {
            throw new InvalidArgumentException("unified cgroup settings " + r.unified().keySet()
                    + " need cgroup v2; this host uses v1");
        }
        if (!r.cpusetCpus().isEmpty() || !r.cpusetMems().isEmpty()) {
            Path dir = dir("cpuset", path);
            writeIfSet(dir.resolve("cpuset.cpus"), r.cpusetCpus());
            writeIfSet(dir.resolve("cpuset.mems"), r.cpusetMems());
        }
        if (r.cpuShares() > 0) {
            write(dir("cpu", path).resolve("cpu.shares"), Long.toString(r.cpuShares()));
        }
        applyQuota(path, r);
        applyMemory(path, r);
        if (r.pidsLimit() != 0) {
            write(dir("pids", path).resolve("pids.max"), CgroupConversions.v2Limit(r.pidsLimit()));
        }
        r.hugepageLimits().forEach((size, limit) ->
                write(dir("hugetlb", path).resolve("hugetlb." + size + ".limit_in_bytes"), Long.toString(limit)));
    }

    /** The directory of {@code path} for a controller the request needs; it must be mounted. */
    private Path dir(String controller, CgroupPath path) {
        Path dir = layout.dir(controller, path);
        if (dir == null) {
            throw new FailedPreconditionException("the " + controller + " cgroup controller is not mounted on"
                    + " this host; cannot apply limits to " + path);
        }
        requireExists(path, dir);
        return dir;
    }

    private void writeIfSet(Path file, String value) {
        if (!value.isEmpty()) {
            write(file, value);
        }
    }

    /**
     * The kernel checks quota against period as each is written, so one order
     * fails where the other passes (e.g. shrinking the period below the old
     * quota's needs). Try period first, then the other way round.
     */
    private void applyQuota(CgroupPath path, CgroupResources r) {
        if (r.cpuQuotaMicros() == 0 && r.cpuPeriodMicros() == 0) {
            return;
        }
        Path dir = dir("cpu", path);
        Path period = dir.resolve("cpu.cfs_period_us");
        Path quota = dir.resolve("cpu.cfs_quota_us");
        String p = r.cpuPeriodMicros() > 0 ? Long.toString(r.cpuPeriodMicros()) : null;
        String q = r.cpuQuotaMicros() != 0 ? Long.toString(r.cpuQuotaMicros()) : null;
        try {
            writeAll(new Write(period, p), new Write(quota, q));
        } catch (InternalException first) {
            writeAll(new Write(quota, q), new Write(period, p));
        }
    }

    /**
     * memsw must stay ≥ memory at every instant: when memsw grows it goes first,
     * when it shrinks memory goes first. A host without swap accounting has no
     * memsw file; that only matters if the request actually limits swap.
     */
    private void applyMemory(CgroupPath path, CgroupResources r) {
        long mem = r.memoryLimitBytes();
        long swap = r.memorySwapLimitBytes();
        if (mem == 0 && swap == 0) {
            return;
        }
        Path dir = dir("memory", path);
        Path memFile = dir.resolve("memory.limit_in_bytes");
        Path swapFile = dir.resolve("memory.memsw.limit_in_bytes");
        String memValue = mem != 0 ? Long.toString(mem) : null;
        String swapValue = swap != 0 ? Long.toString(swap) : null;
        if (swapValue != null && !fs.exists(swapFile)) {
            if (swap != -1 && swap != mem) {
                throw new FailedPreconditionException("a swap limit was requested for " + path
                        + " but the kernel has no swap accounting (" + swapFile.getFileName() + " is missing)");
            }
            swapValue = null;
        }
        boolean swapGrows = swapValue != null && (swap == -1 || swap > currentLimit(swapFile));
        if (swapGrows) {
            writeAll(new Write(swapFile, swapValue), new Write(memFile, memValue));
        } else {
            writeAll(new Write(memFile, memValue), new Write(swapFile, swapValue));
        }
    }

    private long currentLimit(Path file) {
        String text = readOptional(file);
        return text == null ? Long.MAX_VALUE : KeyedValues.limit(text).orElse(Long.MAX_VALUE);
    }

    /** One file write; a null value is skipped (not part of the request). */
    private record Write(Path file, String value) {
    }

    private void writeAll(Write... writes) {
        for (Write w : writes) {
            if (w.value() != null) {
                write(w.file(), w.value());
            }
        }
    }

    @Override
    CgroupStats stats(CgroupPath path) {
        requireExists(path, countingHierarchy().resolve(path.relative()));
        return new V1StatsReader(layout, this::readOptional).read(path);
    }

    @Override
    protected Path countingHierarchy() {
        for (String c : new String[] {"pids", "memory", "cpu", CgroupLayout.NAMED_SYSTEMD}) {
            if (layout.controllers().containsKey(c)) {
                return layout.controllers().get(c);
            }
        }
        return layout.hierarchies().getFirst();
    }
}
