package io.berth.runtime.container.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.error.InternalException;
import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import io.berth.common.fs.AtomicFiles;
import io.berth.runtime.store.IdGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An OCI runtime with runc's command line (runc, crun and youki share it):
 * {@code BIN [global args] kill|delete|state|update ...}.
 */
public final class RuncRuntime implements OciRuntime {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ROOT_ARG = "--root=";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String handler;
    private final String binary;
    private final List<String> globalArgs;
    private final CommandRunner commands;

    public RuncRuntime(String handler, String binary, List<String> globalArgs, CommandRunner commands) {
        this.handler = handler;
        this.binary = binary;
        this.globalArgs = List.copyOf(globalArgs);
        this.commands = commands;
    }

    @Override
    public String handler() {
        return handler;
    }

    @Override
    public String binary() {
        return binary;
    }

    @Override
    public List<String> globalArgs() {
        return globalArgs;
    }

    @Override
    public void kill(String id, int signal, boolean all) throws IOException {
        List<String> argv = new ArrayList<>(List.of("kill"));
        if (all) {
            argv.add("--all");
        }
        argv.add(id);
        argv.add(Integer.toString(signal));
        CommandResult r = run(argv);
        if (!r.ok() && !gone(r)) {
            throw new InternalException(binary + " kill " + id + " " + signal + " failed: " + text(r));
        }
    }

    @Override
    public void delete(String id) throws IOException {
        // runc knows a container by its state directory alone: without one (never started,
        // e.g. removed while CREATED) its delete would only say so, after ~45 ms of CPU here.
        Path root = runcRoot();
        if (root != null && !Files.exists(root.resolve(id))) {
            return;
        }
        CommandResult r = run(List.of("delete", "--force", id));
        if (!r.ok() && !gone(r)) {
            throw new InternalException(binary + " delete --force " + id + " failed: " + text(r));
        }
    }

    /**
     * runc's delete of a stopped container removes its cgroup (the caller does that
     * too), runs poststop hooks (berth's specs have none) and removes {@code root/id}
     * (libcontainer's destroy): that last step is all that is left to do here. The
     * id is one berth made (64 hex digits), so the directory is this container's.
     * Other runtimes (crun, youki, ...) keep other state: they are run as usual.
     */
    @Override
    public void deleteExited(String id) throws IOException {
        Path root = runcRoot();
        if (root == null || !IdGenerator.isFullId(id)) {
            delete(id);
            return;
        }
        AtomicFiles.deleteTree(root.resolve(id));
    }

    /** The {@code --root} given to runc itself; null for another runtime or runc's default root. */
    private Path runcRoot() {
        if (!"runc".equals(Path.of(binary).getFileName().toString())) {
            return null;
        }
        for (String a : globalArgs) {
            if (a.startsWith(ROOT_ARG) && a.length() > ROOT_ARG.length()) {
                return Path.of(a.substring(ROOT_ARG.length()));
            }
        }
        return null;
    }

    @Override
    public Optional<State> state(String id) throws IOException {
        CommandResult r = run(List.of("state", id));
        if (!r.ok()) {
            if (gone(r)) {
                return Optional.empty();
            }
            throw new InternalException(binary + " state " + id + " failed: " + text(r));
        }
        JsonNode n = JSON.readTree(r.stdout());
        return Optional.of(new State(n.path("status").asText(""), n.path("pid").asLong(0)));
    }

    @Override
    public void update(String id, byte[] linuxResourcesJson) throws IOException {
        List<String> argv = new ArrayList<>(globalArgs);
        argv.addAll(List.of("update", "--resources", "-", id));
        argv.addFirst(binary);
        CommandResult r = commands.run(new Command(argv, java.util.Map.of(), false, linuxResourcesJson, TIMEOUT, null));
        if (!r.ok()) {
            throw new InternalException(binary + " update " + id + " failed: " + text(r));
        }
    }

    private CommandResult run(List<String> sub) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(binary);
        argv.addAll(globalArgs);
        argv.addAll(sub);
        return commands.run(new Command(argv, java.util.Map.of(), false, null, TIMEOUT, null));
    }

    /** The runtime's ways of saying the container is already gone or already stopped. */
    static boolean gone(CommandResult r) {
        String t = text(r).toLowerCase(Locale.ROOT);
        return t.contains("does not exist") || t.contains("not exist") || t.contains("not running")
                || t.contains("no such process") || t.contains("container not found");
    }

    private static String text(CommandResult r) {
        String s = r.stderrText().strip();
        return s.isEmpty() ? r.stdoutText().strip() : s;
    }
}
