package io.berth.cni;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code [cni]} section of berthd's config (keys documented in
 * cni-bridge/README.md).
 *
 * @param confDir        conf_dir: where network config lists live
 * @param binDirs        bin_dirs: where plugin binaries are looked up, in order
 * @param defaultNetwork default_network: write the embedded bridge network when conf_dir has none
 * @param pluginTimeout  plugin_timeout: one plugin run is killed after this
 * @param netnsDir       netns_dir: where pod network namespaces are pinned
 */
public record CniConfig(Path confDir, List<Path> binDirs, boolean defaultNetwork, Duration pluginTimeout,
                        Path netnsDir) {

    public static final Path DEFAULT_CONF_DIR = Path.of("/etc/cni/net.d");
    public static final List<Path> DEFAULT_BIN_DIRS = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
    public static final Duration DEFAULT_PLUGIN_TIMEOUT = Duration.ofSeconds(60);
    public static final Path DEFAULT_NETNS_DIR = Path.of("/run/netns");

    public CniConfig {
        confDir = confDir == null ? DEFAULT_CONF_DIR : confDir;
        binDirs = binDirs == null || binDirs.isEmpty() ? DEFAULT_BIN_DIRS : List.copyOf(binDirs);
        pluginTimeout = pluginTimeout == null ? DEFAULT_PLUGIN_TIMEOUT : pluginTimeout;
        netnsDir = netnsDir == null ? DEFAULT_NETNS_DIR : netnsDir;
        if (pluginTimeout.isNegative() || pluginTimeout.isZero()) {
            throw new IllegalArgumentException("[cni] plugin_timeout must be positive: " + pluginTimeout);
        }
    }

    public static CniConfig defaults() {
        return new CniConfig(null, null, true, null, null);
    }
}
