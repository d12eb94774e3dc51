package io.berth.runtime.container;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.ContainerMetadata;
import io.berth.cri.v1.ImageSpec;
import io.berth.runtime.cgroup.CgroupManager;
import io.berth.runtime.cgroup.CgroupPath;
import io.berth.runtime.cgroup.PodCgroup;
import io.berth.runtime.container.events.ContainerEvents;
import io.berth.runtime.container.runtime.OciRuntimes;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.sandbox.SandboxState;
import io.berth.runtime.shim.ExitWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A ContainerService over the fakes, in a temp dir; {@link #restart()} builds a second one over the same dirs. */
final class Fixture implements AutoCloseable {

    static final String POD = "1".repeat(64);

    final Path dir;
    final ContainerLayout layout;
    final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();
    final Fakes.Images images = new Fakes.Images();
    final Fakes.Specs specs = new Fakes.Specs();
    final Fakes.Rootfs rootfs = new Fakes.Rootfs();
    final Fakes.Runtime runtime = new Fakes.Runtime();
    final Fakes.Shims shims = new Fakes.Shims(runtime);
    final List<Path> reopened = new CopyOnWriteArrayList<>();
    final CgroupManager cgroups = mock(CgroupManager.class);
    final ContainerEvents events = new ContainerEvents(16);
    private final List<ExitWatcher> watchers = new CopyOnWriteArrayList<>();
    ContainerService service;

    Fixture(Path dir) throws IOException {
        this.dir = dir;
        this.layout = new ContainerLayout(dir.resolve("root"), dir.resolve("state"));
        Files.createDirectories(layout.exitDir());
        runtime.exitDir = layout.exitDir();
        sandboxes.put(POD, Fakes.sandbox(POD, SandboxState.READY));
        images.add("busybox", "");
        when(cgroups.ociCgroupsPath(any(PodCgroup.class), anyString())).thenAnswer(
                i -> "/berth/pod:" + i.getArgument(1, String.class));
        when(cgroups.containerPath(any(PodCgroup.class), anyString())).thenAnswer(
                i -> CgroupPath.parse("/berth/" + i.getArgument(1, String.class)));
        service = build();
    }

    ContainerService build() throws IOException {
        ExitWatcher w = new ExitWatcher(layout.exitDir());
        watchers.add(w);
        ContainerDeps deps = new ContainerDeps(layout, id -> Optional.ofNullable(sandboxes.get(id)), images, specs,
                rootfs, OciRuntimes.single(runtime), shims, reopened::add, w, cgroups, events,
                Duration.ofSeconds(5), Duration.ofMillis(500));
        return new ContainerService(deps);
    }

    /** A second service over the same directories, as after a berthd restart. */
    ContainerService restart() throws IOException {
        service = build();
        service.recover();
        return service;
    }

    static ContainerConfig config(String name) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(0))
                .setImage(ImageSpec.newBuilder().setImage("busybox"))
                .putLabels("app", name)
                .build();
    }

    Container create(String name) {
        return service.create(POD, config(name), null);
    }

    Container running(String name) {
        Container c = create(name);
        service.start(c.id());
        return service.require(c.id());
    }

    @Override
    public void close() throws IOException {
        for (ExitWatcher w : watchers) {
            w.close();
        }
    }
}
