package io.berth.runtime.shim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything berth-shim is told on its command line (shim/PROTOCOL.md, "Arguments";
 * keep in sync). Either {@code bundle} (a container) or {@code execProcess} (exec mode)
 * is set.
 *
 * @param id             the container id as the OCI runtime knows it
 * @param runtime        the OCI runtime binary (path, or a name looked up on PATH)
 * @param runtimeArgs    global runtime options placed before the subcommand, e.g. {@code --root=/run/x}
 * @param execTimeout    exec mode: kill the exec process tree after this long; null for none
 * @param startupTimeout how long the runtime's create/exec/start may take, enforced by the shim
 * @param attachFirst    exec mode: run it once a client attached, and wait for slow clients (streaming exec)
 */
public record ShimConfig(String id, Path bundle, Path execProcess, String runtime, List<String> runtimeArgs,
                         Path logPath, Path exitFile, Path socket, Stdio stdio, boolean noStart,
                         Duration execTimeout, Duration startupTimeout, boolean attachFirst) {

    /** How the process's stdio is wired. */
    public record Stdio(boolean terminal, boolean stdin, boolean stdinOnce) {
        public static final Stdio NONE = new Stdio(false, false, false);
    }

    public ShimConfig {
        Objects.requireNonNull(id, "id");
        if ((bundle == null) == (execProcess == null)) {
            throw new IllegalArgumentException("exactly one of bundle and execProcess for " + id);
        }
        runtime = runtime == null ? "runc" : runtime;
        runtimeArgs = runtimeArgs == null ? List.of() : List.copyOf(runtimeArgs);
        Objects.requireNonNull(logPath, "logPath");
        Objects.requireNonNull(exitFile, "exitFile");
        Objects.requireNonNull(socket, "socket");
        stdio = stdio == null ? Stdio.NONE : stdio;
        startupTimeout = startupTimeout == null ? Duration.ofSeconds(60) : startupTimeout;
    }

    public ShimConfig(String id, Path bundle, Path execProcess, String runtime, List<String> runtimeArgs,
                      Path logPath, Path exitFile, Path socket, Stdio stdio, boolean noStart,
                      Duration execTimeout, Duration startupTimeout) {
        this(id, bundle, execProcess, runtime, runtimeArgs, logPath, exitFile, socket, stdio, noStart, execTimeout,
                startupTimeout, false);
    }

    /** A container started by create + start. */
    public static ShimConfig container(String id, Path bundle, Path logPath, Path exitFile, Path socket) {
        return new ShimConfig(id, bundle, null, null, null, logPath, exitFile, socket, null, false, null, null);
    }

    /** An extra process in the running container {@code id}, described by an OCI process.json. */
    public static ShimConfig exec(String id, Path processJson, Path logPath, Path exitFile, Path socket) {
        return new ShimConfig(id, null, processJson, null, null, logPath, exitFile, socket, null, false, null, null);
    }

    public ShimConfig withRuntime(String binary, List<String> globalArgs) {
        return new ShimConfig(id, bundle, execProcess, binary, globalArgs, logPath, exitFile, socket, stdio,
                noStart, execTimeout, startupTimeout, attachFirst);
    }

    public ShimConfig withStdio(Stdio io) {
        return new ShimConfig(id, bundle, execProcess, runtime, runtimeArgs, logPath, exitFile, socket, io,
                noStart, execTimeout, startupTimeout, attachFirst);
    }

    public ShimConfig withTimeouts(Duration exec, Duration startup) {
        return new ShimConfig(id, bundle, execProcess, runtime, runtimeArgs, logPath, exitFile, socket, stdio,
                noStart, exec, startup, attachFirst);
    }

    public ShimConfig withNoStart() {
        return new ShimConfig(id, bundle, execProcess, runtime, runtimeArgs, logPath, exitFile, socket, stdio,
                true, execTimeout, startupTimeout, attachFirst);
    }

    /** Streaming exec: the shim runs the process only after a client attached (shim/PROTOCOL.md, "Exec mode"). */
    public ShimConfig withAttachFirst() {
        return new ShimConfig(id, bundle, execProcess, runtime, runtimeArgs, logPath, exitFile, socket, stdio,
                noStart, execTimeout, startupTimeout, true);
    }

    /** The shim's argv after the binary. */
    public List<String> toArgs() {
        List<String> a = new ArrayList<>(List.of("--id", id, "--runtime", runtime,
                "--log", logPath.toString(), "--exit-file", exitFile.toString(), "--socket", socket.toString(),
                "--startup-timeout", Long.toString(Math.max(1, startupTimeout.toSeconds()))));
        if (bundle != null) {
            a.addAll(List.of("--bundle", bundle.toString()));
        } else {
            a.addAll(List.of("--exec", execProcess.toString()));
        }
        for (String r : runtimeArgs) {
            a.add("--runtime-arg=" + r);
        }
        if (stdio.terminal()) {
            a.add("--terminal");
        }
        if (stdio.stdin()) {
            a.add("--stdin");
        }
        if (stdio.stdinOnce()) {
            a.add("--stdin-once");
        }
        if (noStart) {
            a.add("--no-start");
        }
        if (attachFirst) {
            a.add("--attach-first");
        }
        if (execTimeout != null && !execTimeout.isZero()) {
            // Whole seconds, rounded up: the CRI gives exec timeouts in seconds anyway.
            a.addAll(List.of("--timeout", Long.toString((execTimeout.toMillis() + 999) / 1000)));
        }
        return a;
    }
}
