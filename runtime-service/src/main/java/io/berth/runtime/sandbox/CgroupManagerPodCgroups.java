package io.berth.runtime.sandbox;

import io.berth.cri.v1.LinuxContainerResources;
import io.berth.runtime.cgroup.CgroupManager;
import io.berth.runtime.cgroup.CgroupResources;
import io.berth.runtime.cgroup.CriResources;
import io.berth.runtime.cgroup.OomScoreAdj;
import io.berth.runtime.cgroup.PodCgroup;
import io.berth.runtime.cgroup.PodCgroupRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
                CriResources.from(request.resources()), CriResources.from(request.overhead())));
    }

    @Override
    public void update(PodCgroup cgroup, LinuxContainerResources overhead, LinuxContainerResources resources) {
        CgroupResources limits = CriResources.pod(resources, overhead);
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
}
