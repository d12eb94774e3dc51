package io.berth.cni.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cni.CniConfig;
import io.berth.cni.PodNetwork;
import io.berth.cni.config.DefaultNetwork;
import io.berth.cni.netns.NetnsManager;
import io.berth.cni.spec.CniJson;
import io.berth.common.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A private network for one test: its own conf dir, bridge (unique name),
 * /24 out of 10.244.0.0/16 that no interface on the host uses, host-local
 * data dir, state dir and netns names. {@link #close} removes all of it.
 */
final class TestNet implements AutoCloseable {

    static final Path DEBIAN_PLUGINS = Path.of("/usr/lib/cni");

    final String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    final String network = "berth-it-" + tag;
    final String bridge = "bit" + tag;
    final String subnetPrefix;
    final Path root;
    final Path confDir;
    final Path binDir;
    final Path ipamDir;
    final Path stateDir;
    final NetnsManager netns = new NetnsManager(CniConfig.DEFAULT_NETNS_DIR);
    private final List<Path> pins = new ArrayList<>();

    TestNet() throws IOException {
        subnetPrefix = freeSubnetPrefix();
        root = Files.createTempDirectory("berth-cni-it-");
        confDir = Files.createDirectories(root.resolve("net.d"));
        binDir = Files.createDirectories(root.resolve("bin"));
        ipamDir = root.resolve("ipam");
        stateDir = root.resolve("state");
    }

    String subnet() {
        return subnetPrefix + "0/24";
    }

    String gateway() {
        return subnetPrefix + "1";
    }

    CniConfig config() {
        return new CniConfig(confDir, List.of(binDir, DEBIAN_PLUGINS), false, Duration.ofSeconds(30),
                CniConfig.DEFAULT_NETNS_DIR);
    }

    PodNetwork podNetwork() {
        return new PodNetwork(config(), stateDir);
    }

    /** Writes the bridge+portmap list; {@code edit} may add plugins. */
    ObjectNode writeConflist(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode list = DefaultNetwork.conflist(network, bridge, subnet(), ipamDir);
        edit.accept(list);
        AtomicFiles.write(confDir.resolve("50-" + network + ".conflist"), CniJson.bytes(list));
        return list;
    }

    /** A pinned netns with a unique name, removed by {@link #close}. */
    Path newNetns() throws IOException {
        Path pin = netns.pinPath("berth-it-" + tag + "-" + pins.size());
        synchronized (pins) {
            pins.add(pin);
        }
        return netns.create(pin);
    }

    /** A sandbox-id-like container id, unique per call. */
    static String newSandboxId() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A test plugin: a shell script in the private bin dir. */
    Path writePlugin(String name, String script) throws IOException {
        Path p = binDir.resolve(name);
        Files.writeString(p, script);
        p.toFile().setExecutable(true);
        return p;
    }

    private static String freeSubnetPrefix() {
        String addrs = HostProbe.runOk("ip", "-o", "addr") + HostProbe.runOk("ip", "route");
        for (int i = 0; i < 100; i++) {
            String prefix = "10.244." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
            if (!addrs.contains(prefix)) {
                return prefix;
            }
        }
        throw new IllegalStateException("no free 10.244.x.0/24 on this host");
    }

    @Override
    public void close() throws IOException {
        List<Path> all;
        synchronized (pins) {
            all = List.copyOf(pins);
        }
        for (Path pin : all) {
            netns.remove(pin);
        }
        HostProbe.sweepRules(network);
        if (HostProbe.linkExists(bridge)) {
            HostProbe.runOk("ip", "link", "del", bridge);
        }
        AtomicFiles.deleteTree(root);
    }
}
