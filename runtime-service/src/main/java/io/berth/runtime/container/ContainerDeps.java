package io.berth.runtime.container;

import io.berth.runtime.cgroup.CgroupManager;
import io.berth.runtime.container.events.ContainerEvents;
import io.berth.runtime.container.image.ContainerImages;
import io.berth.runtime.container.rootfs.RootfsMounter;
import io.berth.runtime.container.runtime.OciRuntimes;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.shim.ExitWatcher;
import io.berth.runtime.shim.ShimLauncher;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the container side works with: its OS boundaries (each an interface
 * with a fake in the unit tests) and settings.
 *
 * @param sandboxes      a visible sandbox by id or prefix (SandboxService::find)
 * @param exits          watches {@link ContainerLayout#exitDir()}
 * @param cleanupTimeout how long a rollback may take, whatever the RPC's deadline
 * @param killWait       how long to wait for an exit after SIGKILL
 */
public record ContainerDeps(ContainerLayout layout, Function<String, Optional<Sandbox>> sandboxes,
                            ContainerImages images, ContainerSpecs specs, RootfsMounter rootfs,
                            OciRuntimes runtimes, ShimLauncher shims, ShimControl control, ExitWatcher exits,
                            CgroupManager cgroups, ContainerEvents events, Duration cleanupTimeout,
                            Duration killWait) {
}
