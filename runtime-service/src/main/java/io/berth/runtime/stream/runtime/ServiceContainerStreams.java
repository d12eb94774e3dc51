package io.berth.runtime.stream.runtime;

import io.berth.common.error.FailedPreconditionException;
import io.berth.cri.v1.ContainerConfig;
import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerDeps;
import io.berth.runtime.container.ContainerLayout;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.container.runtime.OciRuntime;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.sandbox.SandboxService;
import io.berth.runtime.sandbox.SandboxState;
import java.nio.file.Path;

/** {@link ContainerStreams} over berthd's container and sandbox services (their public API only). */
public final class ServiceContainerStreams implements ContainerStreams {

    private final ContainerService containers;
    private final SandboxService sandboxes;

    public ServiceContainerStreams(ContainerService containers, SandboxService sandboxes) {
        this.containers = containers;
        this.sandboxes = sandboxes;
    }

    @Override
    public RunningContainer running(String containerId) {
        Container c = containers.require(containerId);
        c.state().require(c.state().canExec(), c.id(), "stream to");
        ContainerDeps deps = containers.deps();
        ContainerLayout l = deps.layout();
        OciRuntime rt = deps.runtimes().forHandler(c.runtimeHandler());
        ContainerConfig cfg = c.parsedConfig();
        RunningContainer.ExecEnv env = new RunningContainer.ExecEnv(rt.binary(), rt.globalArgs(), deps.shims(),
                deps.exits(), l.execDir(), l.exitDir(), l.socketDir());
        return new RunningContainer(c.id(), l.configJson(c.id()), l.socket(c.id()), cfg.getStdin(),
                cfg.getStdinOnce(), cfg.getTty(), env);
    }

    @Override
    public PodNetns readySandbox(String sandboxId) {
        Sandbox s = sandboxes.require(sandboxId);
        s.state().require(s.state() == SandboxState.READY, s.id(), "port-forward to");
        if (s.namespaces() == null) {
            throw new FailedPreconditionException("pod sandbox " + s.id() + " has no namespaces recorded");
        }
        String netns = s.namespaces().netns();
        return new PodNetns(s.id(), netns == null ? null : Path.of(netns));
    }
}
