package io.berth.runtime.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cri.v1.LinuxPodSandboxStatus;
import io.berth.cri.v1.Namespace;
import io.berth.cri.v1.PodIP;
import io.berth.cri.v1.PodSandbox;
import io.berth.cri.v1.PodSandboxFilter;
import io.berth.cri.v1.PodSandboxNetworkStatus;
import io.berth.cri.v1.PodSandboxState;
import io.berth.cri.v1.PodSandboxStatus;
import java.io.IOException;
import java.util.Map;

/** Sandbox records in the CRI's messages, and the CRI's filter in ours. */
final class SandboxProtos {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SandboxProtos() {
    }

    static PodSandboxState state(SandboxState s) {
        return s == SandboxState.READY ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
    }

    static PodSandbox summary(Sandbox s) {
        return PodSandbox.newBuilder().setId(s.id()).setMetadata(s.metadata().toProto()).setState(state(s.state()))
                .setCreatedAt(s.createdAtNanos()).putAllLabels(s.labels()).putAllAnnotations(s.annotations())
                .setRuntimeHandler(s.runtimeHandler()).build();
    }

    static PodSandboxStatus status(Sandbox s) {
        PodSandboxStatus.Builder b = PodSandboxStatus.newBuilder().setId(s.id()).setMetadata(s.metadata().toProto())
                .setState(state(s.state())).setCreatedAt(s.createdAtNanos()).putAllLabels(s.labels())
                .putAllAnnotations(s.annotations()).setRuntimeHandler(s.runtimeHandler())
                .setLinux(LinuxPodSandboxStatus.newBuilder().setNamespaces(Namespace.newBuilder().setOptions(
                        s.parsedConfig().getLinux().getSecurityContext().getNamespaceOptions())));
        // The kubelet reads the IP of a ready pod only; a stopped pod has released it.
        if (s.state() == SandboxState.READY && !s.network().ip().isEmpty()) {
            PodSandboxNetworkStatus.Builder net = PodSandboxNetworkStatus.newBuilder().setIp(s.network().ip());
            s.network().additionalIps().forEach(ip -> net.addAdditionalIps(PodIP.newBuilder().setIp(ip)));
            b.setNetwork(net);
        }
        return b.build();
    }

    /** PodSandboxStatus's verbose info: one "info" key holding JSON, as other runtimes do. */
    static Map<String, String> verboseInfo(Sandbox s) {
        ObjectNode info = JSON.createObjectNode();
        SandboxNamespaces ns = s.namespaces();
        info.put("pid", ns.infra() == null ? 0 : ns.infra().pid());
        info.put("pidMode", ns.pidMode());
        info.put("netnsPath", ns.netns());
        info.put("ipcPath", ns.ipc());
        info.put("utsPath", ns.uts());
        info.put("cgroup", s.cgroup().path().value());
        info.put("cgroupSlice", s.cgroup().slice());
        info.put("cgroupCreatedByBerth", s.cgroup().createdByBerth());
        info.put("runtimeHandler", s.runtimeHandler());
        info.put("resolvConfPath", s.resolvConfPath().toString());
        info.put("hostnamePath", s.hostnamePath().toString());
        info.put("hostsPath", s.hostsPath().toString());
        info.put("networkReleased", s.network().released());
        try {
            info.set("cniResult", s.network().cniResult() == null ? null : JSON.readTree(s.network().cniResult()));
            return Map.of("info", JSON.writeValueAsString(info));
        } catch (IOException e) {
            info.put("cniResult", s.network().cniResult());
            return Map.of("info", info.toString());
        }
    }

    static SandboxService.Filter filter(PodSandboxFilter f) {
        if (f == null) {
            return null;
        }
        SandboxState state = null;
        if (f.hasState()) {
            state = f.getState().getState() == PodSandboxState.SANDBOX_READY
                    ? SandboxState.READY : SandboxState.NOTREADY;
        }
        return new SandboxService.Filter(f.getId(), state, f.getLabelSelectorMap());
    }
}
