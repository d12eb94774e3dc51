package io.berth.runtime.config;

import java.nio.file.Path;
import java.util.List;

/** {@code [cni]}: pod networking through CNI plugins. */
public record CniConfig(
        @Doc("Directory of network configurations; the first .conflist (or .conf)\n"
                + "in lexical order is used, and reloaded when files change.")
        String confDir,
        @Doc("Directories searched for plugin binaries, in order.")
        List<String> binDirs,
        @Doc("Write 10-berth-bridge.conflist (bridge berth0, 10.88.0.0/16, portmap)\n"
                + "when conf_dir holds no network configuration.")
        boolean defaultNetwork,
        @Doc("A plugin call that takes longer is killed and fails.")
        String pluginTimeout,
        @Doc("Where pod network namespaces are pinned; `ip netns` looks in /run/netns.")
        String netnsDir) implements ConfigSection {

    public CniConfig {
        binDirs = binDirs == null ? List.of() : List.copyOf(binDirs);
    }

    public static CniConfig defaults() {
        return new CniConfig("/etc/cni/net.d", List.of("/opt/cni/bin", "/usr/lib/cni"), true, "60s", "/run/netns");
    }

    @Override
    public void validate() {
        absolute("conf_dir", confDir);
        absolute("netns_dir", netnsDir);
        if (binDirs.isEmpty()) {
            throw new BadValueException("bin_dirs", "at least one plugin directory is needed");
        }
        binDirs.forEach(d -> absolute("bin_dirs", d));
        Durations.parse("plugin_timeout", pluginTimeout);
    }

    private static void absolute(String key, String value) {
        if (value == null || !value.startsWith("/")) {
            throw new BadValueException(key, "\"" + value + "\" is not an absolute path");
        }
    }

    /** cni-bridge's view of this table. */
    public io.berth.cni.CniConfig toCni() {
        return new io.berth.cni.CniConfig(Path.of(confDir), binDirs.stream().map(Path::of).toList(), defaultNetwork,
                Durations.parse("plugin_timeout", pluginTimeout), Path.of(netnsDir));
    }
}
