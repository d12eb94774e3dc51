package io.berth.runtime.container;

import io.berth.cri.v1.NamespaceMode;
import io.berth.runtime.oci.HostPropagation;
import io.berth.runtime.oci.IdmappedVolumes;
import io.berth.runtime.oci.OciSpecGenerator;
import io.berth.runtime.oci.ProbedRuntimes;
import io.berth.runtime.oci.SpecInput;
import io.berth.runtime.oci.UserResolver;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.sandbox.SandboxNamespaces;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ContainerSpecs} through the one generator, io.berth.runtime.oci's
 * {@link OciSpecGenerator}: this class only gathers its input from the
 * sandbox record, the image and the host, with the features of the OCI
 * runtime the pod's handler really runs.
 */
public final class OciSpecs implements ContainerSpecs {

    private static final int MAX_CACHED_IMAGES = 256;

    private final OciSpecGenerator generator = new OciSpecGenerator();
    private final HostPropagation propagation = new HostPropagation();
    private final SpecInput.HostFacts host;
    private final ProbedRuntimes runtimes;
    /**
     * Each image's passwd and group, read once: a new container's rootfs is the image's
     * layers under an empty upper, and the image id (config digest) pins those layers.
     */
    private final Map<String, UserResolver> usersByImage = new ConcurrentHashMap<>();

    /** Every handler gets the runtime features {@code host} carries (tests with one runtime). */
    public OciSpecs(SpecInput.HostFacts host) {
        this(host, null);
    }

    /**
     * @param runtimes each handler's probed features; they replace {@code host.runtime()} for the
     *                 pod's handler, so a container never asks a runtime for what it lacks
     */
    public OciSpecs(SpecInput.HostFacts host, ProbedRuntimes runtimes) {
        this.host = host;
        this.runtimes = runtimes;
    }

    @Override
    public byte[] configJson(Request r) {
        Sandbox s = r.sandbox();
        var image = r.image();
        SpecInput in = new SpecInput(r.containerId(), s.id(), r.config(), s.parsedConfig(),
                new SpecInput.ImageDefaults(r.imageId(), r.imageName(), image.entrypoint(), image.cmd(),
                        image.env(), image.workingDir(), image.user()),
                r.rootfs(), r.cgroupsPath(), namespaces(r), new SpecInput.PodFilePaths(s.resolvConfPath(),
                s.hostnamePath(), s.hostsPath()), hostFor(s.runtimeHandler()));
        byte[] json = generator.configJson(in, users(r));
        propagation.prepare(r.config());
        IdmappedVolumes.stage(in);
        return json;
    }

    private UserResolver users(Request r) {
        if (r.imageId() == null || r.imageId().isEmpty()) {
            return UserResolver.forRootfs(r.rootfs());
        }
        if (usersByImage.size() > MAX_CACHED_IMAGES) {
            usersByImage.clear();
        }
        return usersByImage.computeIfAbsent(r.imageId(), k -> UserResolver.forRootfs(r.rootfs()));
    }

    SpecInput.HostFacts hostFor(String handler) {
        return runtimes == null ? host : host.withRuntime(runtimes.forHandler(handler));
    }

    /**
     * The container's own PID mode when the kubelet set one (it copies the pod's
     * shareProcessNamespace into each container), else the pod's.
     */
    static SpecInput.NamespacePlan namespaces(Request r) {
        SandboxNamespaces ns = r.sandbox().namespaces();
        var sc = r.config().getLinux().getSecurityContext();
        String mode = sc.hasNamespaceOptions() ? sc.getNamespaceOptions().getPid().name() : ns.pidMode();
        String pidPath = null;
        boolean hostPid = false;
        if (NamespaceMode.TARGET.name().equals(mode)) {
            pidPath = r.targetPidNs();
        } else if (NamespaceMode.NODE.name().equals(mode)) {
            hostPid = true;
        } else if (NamespaceMode.POD.name().equals(mode) && ns.infra() != null) {
            pidPath = ns.infra().pidNamespacePath();
        }
        return new SpecInput.NamespacePlan(ns.netns(), ns.ipc(), ns.uts(), pidPath, hostPid, ns.shm(), ns.user());
    }
}
