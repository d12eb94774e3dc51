package io.berth.runtime.sandbox;

import io.berth.cni.PodNetwork;
import io.berth.cni.PodNetworkRequest;
import io.berth.cni.PodNetworkResult;
import io.berth.cni.netns.NetnsManager;
import java.io.IOException;
import java.nio.file.Path;

/** {@link SandboxNetworking} backed by cni-bridge: its netns pinning and its CNI facade. */
public final class CniSandboxNetworking implements SandboxNetworking {

    private final NetnsManager netns;
    private final PodNetwork cni;

    public CniSandboxNetworking(NetnsManager netns, PodNetwork cni) {
        this.netns = netns;
        this.cni = cni;
    }

    @Override
    public Path netnsPath(String sandboxId) {
        return netns.pathFor(sandboxId);
    }

    @Override
    public void createNetns(String sandboxId) throws IOException {
        netns.create(netns.pathFor(sandboxId));
    }

    @Override
    public void adoptNetns(String sandboxId, long pid) throws IOException {
        netns.adopt(netns.pathFor(sandboxId), Path.of("/proc", Long.toString(pid), "ns", "net"));
    }

    @Override
    public void removeNetns(String sandboxId) throws IOException {
        netns.remove(netns.pathFor(sandboxId));
    }

    @Override
    public boolean netnsExists(Path path) {
        return netns.isPinned(path);
    }

    @Override
    public Attachment setUp(PodNetworkRequest request) {
        PodNetworkResult r = cni.setUp(request);
        return new Attachment(r.primaryIp(), r.additionalIps(), r.cniResult().rawJson());
    }

    @Override
    public void tearDown(String sandboxId) {
        cni.tearDown(sandboxId);
    }
}
