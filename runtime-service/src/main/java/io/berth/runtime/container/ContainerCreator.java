package io.berth.runtime.container;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.berth.common.error.InternalException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.common.fs.AtomicFiles;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.runtime.container.image.ResolvedImage;
import io.berth.runtime.container.rootfs.RootfsMounter;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.store.IdGenerator;
import io.berth.runtime.store.NameRegistrar;
import io.berth.runtime.store.RecordStore;
import io.berth.runtime.store.Rollback;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CreateContainer: everything or nothing. The rootfs and bundle come first,
 * then the record, in one write (a record written first, then updated, cost a
 * second write of ~0.5-1 ms per create); any failure undoes each step, newest
 * first, under the cleanup deadline, and releases the name.
 * No process is started here: the shim runs the OCI runtime's create and
 * start together in StartContainer, as containerd does.
 */
final class ContainerCreator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContainerCreator.class);

    private final ContainerDeps deps;
    private final RecordStore<Container> store;
    private final NameRegistrar names;
    private final Events events;
    private final java.util.function.Function<ContainerConfig, String> targetPidNs;
    /** Snapshot chains of creates in flight, by container id: no record names them yet. */
    private final java.util.Map<String, String> creating = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param targetPidNs the target's pid namespace path for a TARGET pid mode, else null */
    ContainerCreator(ContainerDeps deps, RecordStore<Container> store, NameRegistrar names, Events events,
                     java.util.function.Function<ContainerConfig, String> targetPidNs) {
        this.deps = deps;
        this.store = store;
        this.names = names;
        this.events = events;
        this.targetPidNs = targetPidNs;
    }

    Container create(String sandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
        StepTimes t = new StepTimes(LOG, "create container");
        validate(config);
        Sandbox sandbox = deps.sandboxes().apply(sandboxId).orElseThrow(
                () -> new NotFoundException("pod sandbox \"" + sandboxId + "\" not found"));
        sandbox.state().require(sandbox.state().canCreateContainers(), sandbox.id(), "create a container in");
        deps.runtimes().forHandler(sandbox.runtimeHandler());
        String id = IdGenerator.newId();
        t.mark("checks");
        Container.ContainerName name = new Container.ContainerName(config.getMetadata().getName(),
                config.getMetadata().getAttempt());
        try (Rollback rb = new Rollback("create container " + id, deps.cleanupTimeout())) {
            names.reserve(name.reservedIn(sandbox.id()), id);
            rb.add("name", () -> names.releaseById(id));
            ResolvedImage image = deps.images().resolve(config.getImage().getImage());
            t.mark("image");
            Container record = initial(id, sandbox, name, config, sandboxConfig, image);
            Container done;
            creating.put(id, image.chainId());
            try {
                Container.RunAs user = prepareBundle(record, sandbox, config, image, rb, t);
                done = record.withUser(user).withState(ContainerState.CREATED);
                // The one record write, last: a kill -9 before it leaves a bundle and a
                // mount that no record names, which the start-up sweep removes.
                store.create(done);
                rb.commit();
            } finally {
                creating.remove(id);
            }
            t.mark("record");
            events.created(done);
            t.mark("event");
            t.done();
            return done;
        }
    }

    /** Snapshot chains that creates in flight are mounting: the image GC keeps them. */
    java.util.Collection<String> chainsInUse() {
        return creating.values();
    }

    private Container.RunAs prepareBundle(Container c, Sandbox sandbox, ContainerConfig config, ResolvedImage image,
                                          Rollback rb, StepTimes t) {
        ContainerLayout l = deps.layout();
        String id = c.id();
        try {
            rb.add("bundle", () -> AtomicFiles.deleteTree(l.bundle(id)));
            Files.createDirectories(l.rootfs(id));
            Files.createDirectories(l.upper(id));
            Files.createDirectories(l.work(id));
            t.mark("dirs");
            rb.add("rootfs mount", () -> deps.rootfs().unmount(l.rootfs(id)));
            deps.rootfs().mount(new RootfsMounter.Request(image.snapshotsBase(), image.lowerDirs(), l.upper(id),
                    l.work(id), l.rootfs(id), RootfsMounter.Idmap.of(sandbox)));
            t.mark("mount");
            String cgroupsPath = deps.cgroups().ociCgroupsPath(sandbox.cgroup(), id);
            byte[] spec = deps.specs().configJson(new ContainerSpecs.Request(id, config, sandbox, image.config(),
                    image.id(), config.getImage().getImage(), l.rootfs(id), cgroupsPath, targetPidNs.apply(config)));
            t.mark("spec");
            // Written in place, unsynced: the bundle is new, and a crash before the record is
            // written leaves a bundle no record names, which the start-up sweep removes.
            Files.write(l.configJson(id), spec);
            if (!c.logPath().isEmpty()) {
                Files.createDirectories(Path.of(c.logPath()).getParent());
            }
            t.mark("write");
            return userOf(id, spec);
        } catch (IOException e) {
            throw new InternalException("create container " + id + ": " + e.getMessage(), e);
        }
    }

    private static Container initial(String id, Sandbox sandbox, Container.ContainerName name,
                                     ContainerConfig config, PodSandboxConfig sandboxConfig, ResolvedImage image) {
        int stop = StopSignals.resolve(config.getStopSignal(), image.config().stopSignal());
        return new Container(id, sandbox.id(), name, ContainerState.CREATING, Clock.nowNanos(),
                new Container.ImageRef(config.getImage().getImage(), image.ref(), image.id(), image.chainId()),
                config.getLabelsMap(), config.getAnnotationsMap(), logPath(sandbox, config, sandboxConfig),
                sandbox.runtimeHandler(), stop, config.toByteArray(),
                config.getLinux().getResources().toByteArray(), null, null, null);
    }

    /** The CRI log path is relative to the pod's log directory (api.proto, ContainerConfig.log_path). */
    private static String logPath(Sandbox sandbox, ContainerConfig config, PodSandboxConfig given) {
        String dir = given != null && !given.getLogDirectory().isEmpty() ? given.getLogDirectory()
                : sandbox.parsedConfig().getLogDirectory();
        if (config.getLogPath().isEmpty() || dir.isEmpty()) {
            return "";
        }
        Path p = Path.of(dir).resolve(config.getLogPath()).normalize();
        if (!p.isAbsolute() || !p.startsWith(Path.of(dir).normalize())) {
            throw new InvalidArgumentException("container log path \"" + config.getLogPath()
                    + "\" leaves the pod log directory " + dir);
        }
        return p.toString();
    }

    private static void validate(ContainerConfig config) {
        if (!config.hasMetadata() || config.getMetadata().getName().isEmpty()) {
            throw new InvalidArgumentException("container config has no metadata name");
        }
        if (config.getImage().getImage().isEmpty()) {
            throw new InvalidArgumentException("container \"" + config.getMetadata().getName()
                    + "\" names no image");
        }
    }

    /** The identity the generated spec runs the process as, for ContainerStatus.user. */
    static Container.RunAs userOf(String id, byte[] spec) {
        try {
            JsonNode u = processUser(spec);
            List<Long> groups = new ArrayList<>();
            u.path("additionalGids").forEach(g -> groups.add(g.asLong()));
            return new Container.RunAs(u.path("uid").asLong(0), u.path("gid").asLong(0), groups);
        } catch (IOException e) {
            throw new InternalException("the spec generated for container " + id + " is not JSON", e);
        }
    }

    /**
     * process.user, read by streaming: the generator writes process near the top, so
     * this skips the rest of the spec (mounts, seccomp) instead of building its tree.
     */
    private static JsonNode processUser(byte[] spec) throws IOException {
        try (JsonParser p = JSON.createParser(spec)) {
            JsonNode user = field(p, "process") ? (field(p, "user") ? p.readValueAsTree() : null) : null;
            return user == null ? MissingNode.getInstance() : user;
        }
    }

    /** Advances {@code p} to the value of {@code name} in the object it is at (or about to enter). */
    private static boolean field(JsonParser p, String name) throws IOException {
        if (p.currentToken() == null) {
            p.nextToken();
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            return false;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            if (f.equals(name)) {
                return true;
            }
            p.skipChildren();
        }
        return false;
    }
}
