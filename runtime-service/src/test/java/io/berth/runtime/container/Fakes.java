package io.berth.runtime.container;

import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.runtime.cgroup.CgroupDriver;
import io.berth.runtime.cgroup.CgroupPath;
import io.berth.runtime.cgroup.PodCgroup;
import io.berth.runtime.container.image.ContainerImages;
import io.berth.runtime.container.image.ImageConfigView;
import io.berth.runtime.container.image.ResolvedImage;
import io.berth.runtime.container.rootfs.RootfsMounter;
import io.berth.runtime.container.runtime.OciRuntime;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.sandbox.SandboxMetadata;
import io.berth.runtime.sandbox.SandboxNamespaces;
import io.berth.runtime.sandbox.SandboxNetwork;
import io.berth.runtime.sandbox.SandboxState;
import io.berth.runtime.shim.ShimConfig;
import io.berth.runtime.shim.ShimLauncher;
import io.berth.runtime.shim.ShimProcess;
import io.berth.runtime.shim.ShimStartException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-memory fakes of the container side's OS boundaries. A "process" is an
 * entry in {@link Runtime#live}; it ends by the fake shim writing an exit file,
 * exactly as the real one does, so the real ExitWatcher is exercised.
 */
final class Fakes {

    private Fakes() {
    }

    static Sandbox sandbox(String id, SandboxState state) {
        return new Sandbox(id, new SandboxMetadata("pod", "uid-" + id, "default", 0), state, 1L, "",
                Map.of(), Map.of(), new SandboxNamespaces("/run/netns/x", "/ipc", "/uts", "POD", null),
                SandboxNetwork.none(), new PodCgroup(CgroupDriver.CGROUPFS, null, CgroupPath.parse("/berth/" + id),
                true), "/tmp", PodSandboxConfig.newBuilder().setLogDirectory("").build().toByteArray());
    }

    static final class Images implements ContainerImages {
        final Map<String, ResolvedImage> known = new ConcurrentHashMap<>();

        void add(String name, String stopSignal) {
            known.put(name, new ResolvedImage("sha256:" + "a".repeat(64), "repo@sha256:" + "b".repeat(64),
                    "sha256:" + "c".repeat(64), Path.of("/snapshots"), List.of(Path.of("/snapshots/1/fs")),
                    new ImageConfigView(List.of(), List.of("sh"), List.of(), "", "", stopSignal, Map.of())));
        }

        @Override
        public ResolvedImage resolve(String image) {
            ResolvedImage r = known.get(image);
            if (r == null) {
                r = known.values().stream().filter(i -> i.id().equals(image)).findFirst().orElse(null);
            }
            if (r == null) {
                throw new NotFoundException("image \"" + image + "\" not found");
            }
            return r;
        }
    }

    static final class Specs implements ContainerSpecs {
        volatile String failWith;

        @Override
        public byte[] configJson(Request r) {
            if (failWith != null) {
                throw new InvalidArgumentException(failWith);
            }
            return ("{\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":1000,\"gid\":1000,"
                    + "\"additionalGids\":[5]}},\"linux\":{\"cgroupsPath\":\"" + r.cgroupsPath() + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class Rootfs implements RootfsMounter {
        final Set<Path> mounted = ConcurrentHashMap.newKeySet();
        volatile boolean fail;

        @Override
        public void mount(Request r) throws IOException {
            if (fail) {
                throw new IOException("injected: mount failed");
            }
            mounted.add(r.target());
        }

        @Override
        public void unmount(Path target) {
            mounted.remove(target);
        }

        @Override
        public boolean isMounted(Path target) {
            return mounted.contains(target);
        }
    }

    /** Processes: id → the signals it dies of. Kill writes the exit file as the shim would. */
    static final class Runtime implements OciRuntime {
        final Map<String, Set<Integer>> live = new ConcurrentHashMap<>();
        final Set<String> deleted = ConcurrentHashMap.newKeySet();
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile Path exitDir;

        @Override
        public String handler() {
            return "runc";
        }

        @Override
        public String binary() {
            return "runc";
        }

        @Override
        public List<String> globalArgs() {
            return List.of();
        }

        @Override
        public void kill(String id, int signal, boolean all) throws IOException {
            calls.add("kill " + id.substring(0, 6) + " " + signal + (all ? " all" : ""));
            Set<Integer> dies = live.get(id);
            if (dies != null && dies.contains(signal)) {
                live.remove(id);
                writeExit(exitDir, id, 128 + signal, signal, false, false);
            }
        }

        @Override
        public void delete(String id) {
            calls.add("delete " + id.substring(0, 6));
            deleted.add(id);
        }

        @Override
        public void deleteExited(String id) {
            calls.add("deleteExited " + id.substring(0, 6));
            deleted.add(id);
        }

        @Override
        public Optional<State> state(String id) {
            return live.containsKey(id) ? Optional.of(new State("running", 42)) : Optional.empty();
        }

        @Override
        public void update(String id, byte[] json) {
            calls.add("update " + id.substring(0, 6));
        }
    }

    /** Starts fake processes in {@link Runtime}; exec runs {@code execBehaviour}. */
    static final class Shims implements ShimLauncher {
        final Runtime runtime;
        final AtomicLong pids = new AtomicLong(1000);
        final List<ShimConfig> started = new CopyOnWriteArrayList<>();
        volatile String failStart;
        volatile Set<Integer> diesOf = Set.of(15, 9);
        /** exec mode: writes the log, returns the exit code, or -1 to time out. */
        volatile java.util.function.BiFunction<ShimConfig, Path, Integer> exec = (c, log) -> 0;

        Shims(Runtime runtime) {
            this.runtime = runtime;
        }

        @Override
        public ShimProcess start(ShimConfig c) throws IOException {
            if (failStart != null) {
                throw new ShimStartException(c.id(), "create", 1, failStart);
            }
            started.add(c);
            if (c.bundle() != null) {
                runtime.live.put(c.id(), diesOf);
                // A live shim, as recovery checks it: its socket exists and its pid is alive (ours).
                Files.createDirectories(c.socket().getParent());
                Files.writeString(c.socket(), "");
            } else {
                int code = exec.apply(c, c.logPath());
                String name = c.exitFile().getFileName().toString();
                writeExit(c.exitFile().getParent(), name, code < 0 ? 137 : code, code < 0 ? 9 : 0, false, code < 0);
            }
            return new ShimProcess(ProcessHandle.current().pid(), pids.incrementAndGet(), c.socket(), c.exitFile());
        }
    }

    static void writeExit(Path dir, String name, int code, int signal, boolean oom, boolean timedOut)
            throws IOException {
        Instant now = Instant.now();
        String json = "{\"exit_code\":" + code + ",\"signal\":" + signal + ",\"oom_killed\":" + oom
                + ",\"timed_out\":" + timedOut + ",\"finished_at_unix_nano\":"
                + (now.getEpochSecond() * 1_000_000_000L + now.getNano()) + "}";
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.writeString(tmp, json);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
