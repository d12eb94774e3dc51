package io.berth.runtime.sandbox;

import io.berth.cri.v1.DNSConfig;
import io.berth.cri.v1.LinuxPodSandboxConfig;
import io.berth.cri.v1.LinuxSandboxSecurityContext;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.NamespaceOption;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;

/** A SandboxService over fakes and a temp root/state, plus config builders. */
final class SandboxFixture {

    final Path root;
    final Path state;
    final Fakes.Namespaces namespaces = new Fakes.Namespaces();
    final Fakes.Networking network = new Fakes.Networking();
    final Fakes.Cgroups cgroups = new Fakes.Cgroups();
    final Fakes.Infra infra = new Fakes.Infra();
    final Fakes.Containers containers = new Fakes.Containers();
    final Path hostResolv;

    SandboxFixture(Path tmp) throws IOException {
        root = tmp.resolve("root");
        state = tmp.resolve("state");
        hostResolv = tmp.resolve("host-resolv.conf");
        Files.writeString(hostResolv, "nameserver 192.0.2.53\n");
    }

    SandboxService newService() {
        SandboxService s = new SandboxService(new SandboxService.Deps(new SandboxLayout(root, state), namespaces,
                network, cgroups, infra, new PodFiles(hostResolv, Path.of("/etc/hosts")), Set.of("runc"),
                Duration.ofSeconds(10)));
        s.setContainers(containers);
        return s;
    }

    static PodSandboxConfig.Builder config(String name) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default")
                        .setUid("uid-" + name).setAttempt(0))
                .setHostname(name)
                .setDnsConfig(DNSConfig.newBuilder().addServers("10.96.0.10").addSearches("default.svc.cluster.local")
                        .addSearches("svc.cluster.local").addOptions("ndots:5"))
                .putLabels("app", name)
                .setLinux(linux(NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.POD));
    }

    static LinuxPodSandboxConfig.Builder linux(NamespaceMode net, NamespaceMode pid, NamespaceMode ipc) {
        return LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(net).setPid(pid).setIpc(ipc)));
    }

    /** Every file left under root and state, for leak checks. */
    long filesLeft() throws IOException {
        long n = 0;
        for (Path dir : new Path[] {root, state}) {
            if (Files.exists(dir)) {
                try (Stream<Path> w = Files.walk(dir)) {
                    n += w.filter(Files::isRegularFile).count();
                }
            }
        }
        return n;
    }

    /** True when no fake holds anything: no pin, /dev/shm, netns, lease, cgroup or infra process. */
    boolean nothingHeld() {
        return namespaces.pinned.isEmpty() && namespaces.shms.isEmpty() && network.netns.isEmpty() && network.leases.isEmpty()
                && cgroups.created.isEmpty() && infra.running.isEmpty();
    }
}
