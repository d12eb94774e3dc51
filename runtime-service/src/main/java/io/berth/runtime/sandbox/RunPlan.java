package io.berth.runtime.sandbox;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.NamespaceOption;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.runtime.oci.UserNamespaceSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A RunPodSandbox request, validated before anything is created: everything
 * that can be refused as InvalidArgument is refused here, so that a bad
 * request never has to be rolled back.
 *
 * @param hostname the pod's hostname, "" for host-network pods (they keep the node's)
 * @param sysctls  the pod's sysctls grouped by namespace (SysctlPolicy)
 * @param userns   the pod's user namespace mapping (userns_options POD), null for the host's
 */
public record RunPlan(SandboxMetadata metadata, String runtimeHandler, boolean hostNetwork, boolean hostIpc,
                      String pidMode, String hostname, Map<NamespaceKind, Map<String, String>> sysctls,
                      List<io.berth.cni.PortMapping> portMappings, PodSandboxConfig config,
                      UserNamespaceSpec.Mappings userns) {

    /** Linux limits a hostname to 64 bytes (HOST_NAME_MAX). */
    static final int HOST_NAME_MAX = 64;

    /**
     * @param handlers the runtime handlers berth knows; "" always means the default
     */
    public static RunPlan of(PodSandboxConfig config, String runtimeHandler, Set<String> handlers) {
        String handler = runtimeHandler == null ? "" : runtimeHandler;
        if (!handler.isEmpty() && !handlers.contains(handler)) {
            throw new InvalidArgumentException("unknown runtime handler \"" + handler + "\" (known: "
                    + String.join(", ", handlers.stream().sorted().toList()) + ")");
        }
        SandboxMetadata md = SandboxMetadata.of(config.hasMetadata() ? config.getMetadata() : null);
        NamespaceOption ns = config.getLinux().getSecurityContext().getNamespaceOptions();
        boolean hostNet = ns.getNetwork() == NamespaceMode.NODE;
        boolean hostIpc = ns.getIpc() == NamespaceMode.NODE;
        if (ns.getNetwork() == NamespaceMode.UNRECOGNIZED || ns.getIpc() == NamespaceMode.UNRECOGNIZED
                || ns.getPid() == NamespaceMode.UNRECOGNIZED) {
            throw new InvalidArgumentException("pod sandbox " + md.reservedName() + ": unknown namespace mode in "
                    + ns);
        }
        UserNamespaceSpec.Mappings userns = userns(ns, md);
        var sysctls = SysctlPolicy.plan(config.getLinux().getSysctlsMap(), hostNet, hostIpc);
        PodFiles.validate(config.getDnsConfig());
        return new RunPlan(md, handler, hostNet, hostIpc, ns.getPid().name(), hostname(config, md, hostNet),
                sysctls, ports(config, md), config, userns);
    }

    /**
     * Refused here, before anything exists. A pod with its own user namespace
     * cannot use the node's network, IPC or PID namespace: those belong to the
     * host's user namespace, where the pod's root may not mount sysfs, mqueue or
     * proc (the kubelet refuses hostUsers=false with any of them too).
     */
    private static UserNamespaceSpec.Mappings userns(NamespaceOption ns, SandboxMetadata md) {
        if (!ns.hasUsernsOptions()) {
            return null;
        }
        String field = "pod sandbox " + md.reservedName() + ": namespace_options.userns_options";
        UserNamespaceSpec.Mappings m = UserNamespaceSpec.validate(ns.getUsernsOptions(), field);
        if (m != null && (ns.getNetwork() == NamespaceMode.NODE || ns.getIpc() == NamespaceMode.NODE
                || ns.getPid() == NamespaceMode.NODE)) {
            throw new InvalidArgumentException(field + ": mode POD cannot be combined with the node's network, "
                    + "IPC or PID namespace (network " + ns.getNetwork() + ", ipc " + ns.getIpc() + ", pid "
                    + ns.getPid() + ")");
        }
        return m;
    }

    /** Whether the pod gets an infra process as PID 1 of a shared PID namespace. */
    public boolean sharedPid() {
        return "POD".equals(pidMode);
    }

    private static String hostname(PodSandboxConfig config, SandboxMetadata md, boolean hostNet) {
        if (hostNet) {
            return "";
        }
        String h = config.getHostname().isEmpty() ? md.name() : config.getHostname();
        if (h.getBytes(StandardCharsets.UTF_8).length > HOST_NAME_MAX
                || h.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new InvalidArgumentException("pod sandbox " + md.reservedName() + ": hostname \"" + h
                    + "\" is not a valid hostname (at most " + HOST_NAME_MAX + " bytes, no spaces)");
        }
        return h;
    }

    private static List<io.berth.cni.PortMapping> ports(PodSandboxConfig config, SandboxMetadata md) {
        try {
            return config.getPortMappingsList().stream().map(p -> new io.berth.cni.PortMapping(p.getHostPort(),
                    p.getContainerPort(), p.getProtocol().name(), p.getHostIp())).toList();
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("pod sandbox " + md.reservedName() + ": " + e.getMessage(), e);
        }
    }
}
