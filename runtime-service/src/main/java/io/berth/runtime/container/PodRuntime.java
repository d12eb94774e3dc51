package io.berth.runtime.container;

import io.berth.runtime.container.events.ContainerEvents;
import io.berth.runtime.container.runtime.OciRuntimes;
import io.berth.runtime.container.stats.StatsCollector;
import io.berth.runtime.oci.ProbedRuntimes;
import io.berth.runtime.sandbox.SandboxService;

/**
 * What the pod and container RPCs share, built once by berthd (Sandboxes.start,
 * then Containers.start) and carried in the RuntimeContext.
 *
 * @param features each handler's probed OCI runtime features, the ones the spec generator uses (for Status)
 */
public record PodRuntime(SandboxService sandboxes, ContainerService containers, StatsCollector stats,
                         ContainerEvents events, OciRuntimes runtimes,
                         ProbedRuntimes features) {
}
