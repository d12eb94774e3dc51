package io.berth.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * containerd with its CRI plugin, started by the benchmark with its own root,
 * state, socket, opt dir, runc root and CNI conf dir; never the system's
 * instance. Works for 1.6 (config version 2) and 2.x (config version 3).
 */
final class ContainerdDaemon extends ManagedDaemon {

    /** Where one containerd build lives: the directory holding containerd and its shim. */
    record Build(String label, Path binDir, int major) {
    }

    private final Build build;
    private final Setup setup;

    /** What the CRI plugin is pointed at: the same registry, runc and CNI plugins as berthd. */
    record Setup(String registryHost, String pauseImage, Path runc, Path cniConfDir, Path cniBinDir) {
    }

    ContainerdDaemon(Build build, Path dir, Setup setup) throws IOException {
        super(build.label(), dir);
        this.build = build;
        this.setup = setup;
    }

    @Override
    List<String> command() throws IOException {
        // containerd looks up a registry's directory by host:port.
        Path hosts = dir.resolve("certs.d").resolve(setup.registryHost());
        Files.createDirectories(hosts);
        Files.writeString(hosts.resolve("hosts.toml"), "server = \"http://" + setup.registryHost() + "\"\n\n"
                + "[host.\"http://" + setup.registryHost() + "\"]\n  capabilities = [\"pull\", \"resolve\"]\n");
        Path config = dir.resolve("config.toml");
        Files.writeString(config, build.major() >= 2 ? configV3() : configV2());
        return List.of(build.binDir().resolve("containerd").toString(), "--config", config.toString());
    }

    private String common(int version) {
        return "version = " + version + "\n"
                + "root = \"" + dir.resolve("root") + "\"\n"
                + "state = \"" + dir.resolve("state") + "\"\n"
                + "[grpc]\n  address = \"" + socket + "\"\n"
                + "[ttrpc]\n  address = \"" + socket + ".ttrpc\"\n"
                + "[debug]\n  address = \"\"\n"
                + "[metrics]\n  address = \"\"\n";
    }

    private String runcOptions(String table) {
        return "[" + table + ".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n"
                + "[" + table + ".containerd.runtimes.runc.options]\n"
                + "  BinaryName = \"" + setup.runc() + "\"\n  SystemdCgroup = false\n"
                + "  Root = \"" + dir.resolve("runc") + "\"\n";
    }

    private String configV2() {
        String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
        return common(2)
                + "[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" + dir.resolve("opt") + "\"\n"
                + "[" + cri + "]\n  sandbox_image = \"" + setup.pauseImage() + "\"\n"
                + "  stream_server_address = \"127.0.0.1\"\n  stream_server_port = \"0\"\n"
                + "  restrict_oom_score_adj = true\n"
                + "[" + cri + ".containerd]\n  snapshotter = \"overlayfs\"\n  default_runtime_name = \"runc\"\n"
                + runcOptions(cri)
                + "[" + cri + ".cni]\n  bin_dir = \"" + setup.cniBinDir() + "\"\n  conf_dir = \""
                + setup.cniConfDir() + "\"\n"
                + "[" + cri + ".registry]\n  config_path = \"" + dir.resolve("certs.d") + "\"\n";
    }

    private String configV3() {
        String images = "plugins.\"io.containerd.cri.v1.images\"";
        String runtime = "plugins.\"io.containerd.cri.v1.runtime\"";
        return common(3)
                // NRI would listen on the host-wide /var/run/nri/nri.sock.
                + "disabled_plugins = [\"io.containerd.nri.v1.nri\"]\n"
                + "[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" + dir.resolve("opt") + "\"\n"
                + "[" + images + "]\n  snapshotter = \"overlayfs\"\n"
                + "[" + images + ".pinned_images]\n  sandbox = \"" + setup.pauseImage() + "\"\n"
                + "[" + images + ".registry]\n  config_path = \"" + dir.resolve("certs.d") + "\"\n"
                + "[" + runtime + "]\n  restrict_oom_score_adj = true\n"
                + "[" + runtime + ".containerd]\n  default_runtime_name = \"runc\"\n"
                + runcOptions(runtime)
                + "[" + runtime + ".cni]\n  bin_dirs = [\"" + setup.cniBinDir() + "\"]\n  conf_dir = \""
                + setup.cniConfDir() + "\"\n"
                + "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
                + "  stream_server_address = \"127.0.0.1\"\n  stream_server_port = \"0\"\n";
    }

    @Override
    Map<String, String> environment() {
        // The daemon finds containerd-shim-runc-v2 on PATH: it must be the one of the same build.
        return Map.of("PATH", build.binDir() + ":/usr/sbin:/usr/bin:/sbin:/bin");
    }

    @Override
    boolean isHelper(List<String> argv) {
        return Procs.isBinary(argv, "containerd-shim-runc-v2") && argv.contains(socket.toString());
    }

    @Override
    String helperName() {
        return "containerd-shim-runc-v2";
    }

    @Override
    long imageBytesOnDisk() throws IOException {
        Path root = dir.resolve("root");
        return HostCleanup.sizeOf(root.resolve("io.containerd.content.v1.content"))
                + HostCleanup.sizeOf(root.resolve("io.containerd.snapshotter.v1.overlayfs"));
    }

    /** The containerd builds found on this machine: Debian's package, and forky's if unpacked. */
    static List<Build> available(Path forkyDir) {
        Stream<Build> system = Files.isExecutable(Path.of("/usr/bin/containerd"))
                ? Stream.of(new Build("containerd-1.6", Path.of("/usr/bin"), 1)) : Stream.empty();
        Path forky = forkyDir.resolve("usr/bin");
        Stream<Build> two = Files.isExecutable(forky.resolve("containerd"))
                ? Stream.of(new Build("containerd-2.1", forky, 2)) : Stream.empty();
        return Stream.concat(system, two).toList();
    }
}
