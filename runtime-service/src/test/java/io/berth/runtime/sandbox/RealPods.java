package io.berth.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cni.CniConfig;
import io.berth.cni.PodNetwork;
import io.berth.cni.config.DefaultNetwork;
import io.berth.cni.netns.NetnsManager;
import io.berth.cni.spec.CniJson;
import io.berth.common.fs.AtomicFiles;
import io.berth.common.os.Libc;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.runtime.cgroup.CgroupDriver;
import io.berth.runtime.cgroup.CgroupPath;
import io.berth.runtime.cgroup.CgroupSettings;
import io.berth.runtime.cgroup.FsCgroupManager;
import io.berth.runtime.cgroup.OomScoreAdj;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Everything a real pod needs, private to one test: root and state dirs, a
 * netns pin dir, a CNI network (conf dir, unique bridge, a free /24, host-local
 * data dir) and a cgroup parent. {@link #close} removes all of it.
 */
final class RealPods {

    /** The private CNI network. */
    static final class Net {
        final String tag;
        final String network;
        final String bridge;
        final String subnetPrefix;
        final Path confDir;
        final Path binDir;
        final Path ipamDir;

        Net(String tag, Path base) throws IOException {
            this.tag = tag;
            network = "berth-sbx-" + tag;
            bridge = "bsx" + tag;
            subnetPrefix = freeSubnetPrefix();
            confDir = Files.createDirectories(base.resolve("net.d"));
            binDir = Files.createDirectories(base.resolve("bin"));
            ipamDir = base.resolve("ipam");
            write(l -> { });
        }

        private void write(java.util.function.Consumer<ObjectNode> edit) throws IOException {
            ObjectNode list = DefaultNetwork.conflist(network, bridge, subnetPrefix + "0/24", ipamDir);
            edit.accept(list);
            AtomicFiles.write(confDir.resolve("50-" + network + ".conflist"), CniJson.bytes(list));
        }

        /** Appends a plugin that fails every ADD, after bridge and portmap did their work. */
        void addFailingPlugin() throws IOException {
            String name = "berthfail" + tag;
            Path p = binDir.resolve(name);
            Files.writeString(p, "#!/bin/sh\nif [ \"$CNI_COMMAND\" = ADD ]; then\n"
                    + "  printf '{\"cniVersion\":\"1.0.0\",\"code\":999,\"msg\":\"injected failure\"}'\n"
                    + "  exit 1\nfi\nexit 0\n");
            p.toFile().setExecutable(true);
            write(l -> ((ArrayNode) l.get("plugins")).addObject().put("type", name));
        }

        /** host-local's lease files: one per allocated IP. */
        List<String> leases() throws IOException {
            Path dir = ipamDir.resolve(network);
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> s = Files.list(dir)) {
                return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(subnetPrefix)).toList();
            }
        }

        private static String freeSubnetPrefix() {
            String used = Host.runOk("ip", "-o", "addr") + Host.runOk("ip", "route");
            for (int i = 0; i < 100; i++) {
                String prefix = "10.245." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
                if (!used.contains(prefix)) {
                    return prefix;
                }
            }
            throw new IllegalStateException("no free 10.245.x.0/24 on this host");
        }
    }

    final String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    final Path base;
    final Path root;
    final Path state;
    final Path netnsDir;
    final Net net;
    private final String cgroupParent = "/berth-sbx-" + tag;
    private final List<SandboxService> services = new ArrayList<>();

    RealPods() throws IOException {
        base = Files.createTempDirectory("berth-sbx-it-");
        root = base.resolve("root");
        state = base.resolve("state");
        netnsDir = base.resolve("netns");
        net = new Net(tag, base);
    }

    SandboxService newService() {
        SandboxService s = new SandboxService(new SandboxService.Deps(new SandboxLayout(root, state),
                new LinuxPodNamespaces(), new CniSandboxNetworking(new NetnsManager(netnsDir), podNetwork()),
                new CgroupManagerPodCgroups(cgroupManager(), OomScoreAdj.probe()),
                UnshareInfraLauncher.system(), PodFiles.system(), Set.of("runc"), Duration.ofSeconds(30)));
        services.add(s);
        return s;
    }

    /** A service as berthd starts it: recovered, CNI leftovers collected. */
    SandboxService startService() throws IOException {
        SandboxService s = Sandboxes.start(root, state, netnsDir, podNetwork(), cgroupManager(),
                OomScoreAdj.probe(), Set.of("runc"));
        services.add(s);
        return s;
    }

    private PodNetwork podNetwork() {
        return new PodNetwork(new CniConfig(net.confDir, List.of(net.binDir, Path.of("/usr/lib/cni")), false,
                Duration.ofSeconds(30), netnsDir), state);
    }

    private FsCgroupManager cgroupManager() {
        return FsCgroupManager.create(CgroupSettings.defaults().withDriver(CgroupDriver.CGROUPFS)
                .withDefaultParent(CgroupPath.parse(cgroupParent), "berthsbx" + tag + ".slice"));
    }

    PodSandboxConfig.Builder config(String name) {
        return SandboxFixture.config(hostname(name)).clearDnsConfig().setDnsConfig(io.berth.cri.v1.DNSConfig
                .newBuilder().addServers("10.96.0.10").addSearches("default.svc.cluster.local")
                .addOptions("ndots:5"));
    }

    String hostname(String name) {
        return name + "-" + tag;
    }

    /**
     * Drops the ipMasq rules that the bridge plugin made for one pod, as a
     * reboot does (rules live in the kernel only). Touches nothing else.
     */
    void forgetIptablesOf(String sandboxId, String ip) {
        String comment = "name: \"" + net.network + "\" id: \"" + sandboxId + "\"";
        String jump = Host.runOk("iptables-save", "-t", "nat").lines()
                .filter(l -> l.startsWith("-A POSTROUTING") && l.contains(sandboxId))
                .map(l -> l.substring(l.lastIndexOf("-j ") + 3).strip()).findFirst().orElseThrow();
        Host.runOk("iptables", "-t", "nat", "-D", "POSTROUTING", "-s", ip + "/32", "-m", "comment", "--comment",
                comment, "-j", jump);
        Host.runOk("iptables", "-t", "nat", "-F", jump);
        Host.runOk("iptables", "-t", "nat", "-X", jump);
    }

    /** Whether the cgroup exists in any hierarchy. */
    boolean cgroupExists(String path) throws IOException {
        try (Stream<Path> h = Files.list(Path.of("/sys/fs/cgroup"))) {
            return h.anyMatch(dir -> Files.isDirectory(dir.resolve(path.substring(1))));
        }
    }

    /** No pod, name, pin, netns, veth, lease, CNI record, pod cgroup or file is left. */
    void assertNothingLeft(SandboxService svc) throws IOException {
        assertEquals(List.of(), svc.list(null));
        assertEquals(0, svc.names().size(), "names still reserved");
        assertEquals(List.of(), Host.portsOf(net.bridge), "veths left on the bridge");
        assertEquals(List.of(), net.leases(), "IP leases left");
        // bridge's ipMasq and portmap tag their rules with the network's name.
        assertEquals(List.of(), (Host.runOk("iptables-save", "-t", "nat") + Host.runOk("iptables-save", "-t", "filter"))
                .lines().filter(l -> l.contains(net.network)).toList(), "iptables rules left");
        assertEquals(List.of(), filesUnder(netnsDir), "netns pins left");
        assertEquals(List.of(), Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> l.split(" ")[4]).filter(m -> m.startsWith(state.toString())).toList(),
                "pins or /dev/shm still mounted");
        assertEquals(List.of(), filesUnder(state.resolve("sandboxes")), "namespace pins left");
        assertEquals(List.of(), filesUnder(state.resolve("cni")), "CNI records left");
        assertEquals(List.of(), filesUnder(root.resolve("sandboxes")), "records or pod files left");
        try (Stream<Path> h = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path dir : h.toList()) {
                assertEquals(List.of(), dirsUnder(dir.resolve(cgroupParent.substring(1))), "pod cgroups left");
            }
        }
    }

    private static List<String> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !Files.isDirectory(p)).map(Path::toString).toList();
        }
    }

    private static List<String> dirsUnder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(Path::toString).toList();
        }
    }

    /** Removes every pod the services know, then the network, pin dir, cgroup parent and files. */
    void close(SandboxService last) throws IOException {
        for (SandboxService s : services) {
            for (Sandbox sb : s.list(null)) {
                try {
                    s.remove(sb.id());
                } catch (RuntimeException e) {
                    System.err.println("cleanup of " + sb.id() + " failed: " + e);
                }
            }
        }
        if (Host.linkExists(net.bridge)) {
            Host.run("ip", "link", "del", net.bridge);
        }
        try (Stream<Path> h = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path dir : h.toList()) {
                Files.deleteIfExists(dir.resolve(cgroupParent.substring(1)));
            }
        }
        // NetnsManager made the pin dir a (shared) mount point of its own.
        while (Host.mounted(netnsDir.toString())) {
            Libc.umount2(netnsDir.toString(), Libc.MNT_DETACH);
        }
        AtomicFiles.deleteTree(base);
    }
}
