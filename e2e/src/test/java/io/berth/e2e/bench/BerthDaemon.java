package io.berth.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * berthd from this checkout (bin/berthd) with its own root, state and socket.
 * Its config is strict (an unknown key stops it) and tables land one issue at
 * a time, so the file holds only the keys {@code berthd config default}
 * prints today; the keys left out are reported.
 */
final class BerthDaemon extends ManagedDaemon {

    private static final Pattern TABLE = Pattern.compile("^\\[([A-Za-z0-9_.\"-]+)]\\s*$");
    private static final Pattern KEY = Pattern.compile("^#?\\s*([a-z_]+)\\s*=.*");

    private final Path launcher;
    private final ContainerdDaemon.Setup setup;
    private final List<String> skippedKeys = new ArrayList<>();

    BerthDaemon(Path repo, Path dir, ContainerdDaemon.Setup setup) throws IOException {
        super("berthd", dir);
        // dev/bench runs a private copy, safe from builds started meanwhile.
        String copy = System.getProperty("berth.bench.berthd");
        this.launcher = copy != null ? Path.of(copy) : repo.resolve("bin/berthd");
        this.setup = setup;
    }

    @Override
    List<String> command() throws IOException {
        Set<String> known = knownKeys(HostCleanup.run(launcher.toString(), "config", "default"));
        StringBuilder toml = new StringBuilder();
        String table = "";
        for (Map.Entry<String, String> e : wanted().entrySet()) {
            String full = e.getKey();
            int dot = full.lastIndexOf('.');
            String t = dot < 0 ? "" : full.substring(0, dot);
            if (!known.contains(full)) {
                skippedKeys.add(full);
                continue;
            }
            if (!t.equals(table)) {
                toml.append("\n[").append(t).append("]\n");
                table = t;
            }
            toml.append(full.substring(dot + 1)).append(" = ").append(e.getValue()).append('\n');
        }
        Path config = dir.resolve("berth.toml");
        Files.writeString(config, toml.toString());
        if (!skippedKeys.isEmpty()) {
            System.err.println("bench: berthd does not know these keys yet, left at its defaults: " + skippedKeys);
        }
        return List.of(launcher.toString(), "--config", config.toString());
    }

    /** Keys as table.key (top-level keys bare), in the order they should be written: top-level first. */
    private Map<String, String> wanted() {
        Map<String, String> w = new LinkedHashMap<>();
        w.put("socket", q("unix://" + socket));
        w.put("root", q(dir.resolve("root").toString()));
        w.put("state", q(dir.resolve("state").toString()));
        w.put("default_runtime", q("runc"));
        w.put("cgroup.driver", q("cgroupfs"));
        w.put("metrics.address", q(""));
        w.put("cni.conf_dir", q(setup.cniConfDir().toString()));
        w.put("cni.bin_dirs", "[" + q(setup.cniBinDir().toString()) + "]");
        w.put("cni.default_network", "false");
        w.put("registry.insecure", "[" + q(setup.registryHost()) + "]");
        w.put("runtimes.runc.path", q(setup.runc().toString()));
        w.put("runtimes.runc.root", q(dir.resolve("runc").toString()));
        return w;
    }

    static Set<String> knownKeys(String defaultConfig) {
        Set<String> keys = new TreeSet<>();
        String table = "";
        for (String line : defaultConfig.split("\n")) {
            Matcher t = TABLE.matcher(line.trim());
            Matcher k = KEY.matcher(line.trim());
            if (t.matches()) {
                table = t.group(1).replace("\"", "");
            } else if (k.matches() && !line.trim().startsWith("# ")) {
                keys.add(table.isEmpty() ? k.group(1) : table + "." + k.group(1));
            }
        }
        return keys;
    }

    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    List<String> skippedKeys() {
        return skippedKeys;
    }

    @Override
    boolean isHelper(List<String> argv) {
        return Procs.isBinary(argv, "berth-shim") && argv.stream().anyMatch(a -> a.startsWith(dir.toString()));
    }

    /**
     * The JVM's native memory summary, when berthd runs with
     * -XX:NativeMemoryTracking (BERTH_JAVA_OPTS), to see what grows with pods.
     */
    @Override
    String memoryDetail() {
        if (!System.getenv().getOrDefault("BERTH_JAVA_OPTS", "").contains("NativeMemoryTracking")) {
            return "";
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return HostCleanup.run(jcmd.toString(), Long.toString(pid()), "VM.native_memory", "summary")
                + HostCleanup.run(jcmd.toString(), Long.toString(pid()), "Thread.print");
    }

    @Override
    String helperName() {
        return "berth-shim";
    }

    @Override
    long imageBytesOnDisk() throws IOException {
        Path root = dir.resolve("root");
        return HostCleanup.sizeOf(root.resolve("content")) + HostCleanup.sizeOf(root.resolve("snapshots"));
    }
}
