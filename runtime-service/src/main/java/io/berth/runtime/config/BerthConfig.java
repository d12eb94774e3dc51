package io.berth.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole daemon configuration, as read from {@code berth.toml}. Every key
 * is optional; {@link #defaults()} is what an empty file means. Later tables
 * ({@code [registry]}, {@code [cni]}, {@code [stream]}, {@code [runtimes.NAME]})
 * are added as one more component here plus their own record.
 */
public record BerthConfig(
        @Doc("CRI endpoint the kubelet and crictl connect to: unix:///path or a plain\n"
                + "absolute path. The socket is created mode 0660, owned by root.")
        String socket,
        @Doc("Persistent state: image content, snapshots, pod and container records.")
        String root,
        @Doc("Runtime state that a reboot clears: pinned namespaces, shim sockets.")
        String state,
        @Doc("One of trace, debug, info, warn, error, off.")
        String logLevel,
        CgroupConfig cgroup,
        MetricsConfig metrics,
        StreamConfig stream,
        RegistryConfig registry,
        ImageConfig image,
        CniConfig cni,
        @Doc("The [runtimes.NAME] entry used for pods that name no RuntimeClass handler.")
        String defaultRuntime,
        @Doc("OCI runtimes by RuntimeClass handler name, as [runtimes.NAME] tables.")
        Map<String, OciRuntimeConfig> runtimes) implements ConfigSection {

    public static final Path DEFAULT_FILE = Path.of("/etc/berth/berth.toml");
    public static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");
    private static final String UNIX_SCHEME = "unix://";
    static final int MAX_STATE_PATH = 70;

    public static BerthConfig defaults() {
        return new BerthConfig("unix:///run/berth/berth.sock", "/var/lib/berth", "/run/berth", "info",
                CgroupConfig.defaults(), MetricsConfig.defaults(), StreamConfig.defaults());
    }

    /** Without the node tables: their defaults. */
    public BerthConfig(String socket, String root, String state, String logLevel, CgroupConfig cgroup,
                       MetricsConfig metrics) {
        this(socket, root, state, logLevel, cgroup, metrics, StreamConfig.defaults());
    }

    /** Without the image, network and runtime tables: their defaults. */
    public BerthConfig(String socket, String root, String state, String logLevel, CgroupConfig cgroup,
                       MetricsConfig metrics, StreamConfig stream) {
        this(socket, root, state, logLevel, cgroup, metrics, stream, RegistryConfig.defaults(),
                ImageConfig.defaults(), CniConfig.defaults(), "runc", Map.of("runc", OciRuntimeConfig.runc()));
    }

    public BerthConfig {
        runtimes = runtimes == null ? Map.of() : Map.copyOf(new java.util.TreeMap<>(runtimes));
    }

    @Override
    public void validate() {
        if (!runtimes.containsKey(defaultRuntime)) {
            throw new BadValueException("default_runtime", "\"" + defaultRuntime + "\" has no [runtimes."
                    + defaultRuntime + "] table (have: " + String.join(", ", runtimes.keySet()) + ")");
        }
        socketPath();
        requireAbsolute("root", root);
        if (requireAbsolute("state", state).toString().length() > MAX_STATE_PATH) {
            // Shim sockets live at <state>/c/<24 hex>.sock and must fit sun_path.
            throw new BadValueException("state", "\"" + state + "\" is longer than " + MAX_STATE_PATH
                    + " characters; unix socket paths below it would not fit");
        }
        if (!LOG_LEVELS.contains(logLevel)) {
            throw new BadValueException("log_level",
                    "\"" + logLevel + "\" is not a log level; use one of " + String.join(", ", LOG_LEVELS));
        }
    }

    /** The socket file; {@code socket} may be a unix:// URL or a plain path. */
    public Path socketPath() {
        String path = socket.startsWith(UNIX_SCHEME) ? socket.substring(UNIX_SCHEME.length()) : socket;
        if (path.contains("://")) {
            throw new BadValueException("socket", "\"" + socket + "\" is not a unix:// endpoint");
        }
        return requireAbsolute("socket", path);
    }

    public Path rootPath() {
        return Path.of(root);
    }

    public Path statePath() {
        return Path.of(state);
    }

    /** This configuration with the command-line flags that were given laid over it. */
    public BerthConfig with(Overrides o) {
        return new BerthConfig(
                o.socket() != null ? o.socket() : socket,
                o.root() != null ? o.root() : root,
                o.state() != null ? o.state() : state,
                o.logLevel() != null ? o.logLevel() : logLevel,
                cgroup, metrics, stream, registry, image, cni, defaultRuntime, runtimes);
    }

    private static Path requireAbsolute(String key, String value) {
        if (value.isEmpty() || !value.startsWith("/")) {
            throw new BadValueException(key, "\"" + value + "\" is not an absolute path");
        }
        return Path.of(value).normalize();
    }

    /** Values given as flags; null where the flag was absent. */
    public record Overrides(String socket, String root, String state, String logLevel) {
        public static final Overrides NONE = new Overrides(null, null, null, null);
    }
}
