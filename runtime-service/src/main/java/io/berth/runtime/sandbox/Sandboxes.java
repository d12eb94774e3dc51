package io.berth.runtime.sandbox;

import io.berth.cni.PodNetwork;
import io.berth.cni.netns.NetnsManager;
import io.berth.runtime.cgroup.CgroupManager;
import io.berth.runtime.cgroup.OomScoreAdj;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds berthd's SandboxService on the real node and recovers its pods:
 * what Daemon.start calls once, before the socket is served.
 */
public final class Sandboxes {

    /** How long a rollback or a recovery clean-up may take, whatever the RPC's deadline. */
    public static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);

    private Sandboxes() {
    }

    /**
     * @param root            berthd's root (records, pod files)
     * @param state           berthd's state dir (namespace pins)
     * @param netnsDir        where pod network namespaces are pinned ([cni] netns_dir)
     * @param cni             cni-bridge's facade over the configured network
     * @param cgroups         the cgroup library
     * @param oom             the node's oom_score_adj probe result
     * @param runtimeHandlers named runtime handlers accepted besides "" (the default)
     */
    public static SandboxService start(Path root, Path state, Path netnsDir, PodNetwork cni, CgroupManager cgroups,
                                       OomScoreAdj oom, Set<String> runtimeHandlers) throws IOException {
        SandboxService svc = new SandboxService(new SandboxService.Deps(new SandboxLayout(root, state),
                new LinuxPodNamespaces(), new CniSandboxNetworking(new NetnsManager(netnsDir), cni),
                new CgroupManagerPodCgroups(cgroups, oom), UnshareInfraLauncher.system(), PodFiles.system(),
                runtimeHandlers, CLEANUP_TIMEOUT));
        SandboxRecovery.Report r = svc.recover();
        if (r.unreadable().isEmpty()) {
            // CNI attachments of pods with no record (lost before berth wrote one) are released;
            // with an unreadable record around, a live pod could be mistaken for such a leak.
            cni.gc(svc.allIds());
        }
        LOG.info("pod sandboxes recovered: {} ready, {} not ready, {} unfinished runs undone, {} unreadable records",
                r.ready(), r.notReady(), r.rolledBack(), r.unreadable().size());
        return svc;
    }
}
