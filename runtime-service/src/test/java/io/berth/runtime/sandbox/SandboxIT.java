package io.berth.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.BerthException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.PodSandboxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real pods, as root: real namespaces and pins, real CNI plugins (Debian's
 * containernetworking-plugins) on a private bridge and subnet, real cgroup v1
 * under a private parent, catatonit as infra process.
 */
@Timeout(300)
class SandboxIT {

    private RealPods pods;
    private SandboxService svc;

    @BeforeEach
    void setUp() throws Exception {
        pods = new RealPods();
        svc = pods.newService();
    }

    @AfterEach
    void tearDown() throws Exception {
        pods.close(svc);
    }

    @Test
    void aPodGetsPinnedNamespacesItsHostnameAndResolvConf() throws Exception {
        Sandbox s = svc.run(pods.config("web").build(), "");
        String ipc = s.namespaces().ipc();
        String uts = s.namespaces().uts();
        String netns = s.namespaces().netns();
        String shm = s.namespaces().shm();
        assertTrue(Host.mounted(ipc) && Host.mounted(uts) && Host.mounted(netns) && Host.mounted(shm));
        assertEquals("tmpfs 1777", Host.runOk("stat", "-f", "-c", "%T", shm).strip() + " "
                + Host.runOk("stat", "-c", "%a", shm).strip());
        assertTrue(netns.startsWith(pods.netnsDir + "/berth-"), netns);
        assertNotEquals(Host.runOk("readlink", "/proc/self/ns/ipc").strip(),
                Host.runOk("nsenter", "--ipc=" + ipc, "readlink", "/proc/self/ns/ipc").strip());
        assertEquals(pods.hostname("web"), Host.runOk("nsenter", "--uts=" + uts, "hostname").strip());
        assertEquals("search default.svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
                Files.readString(s.resolvConfPath()));
        assertEquals(pods.hostname("web") + "\n", Files.readString(s.hostnamePath()));
        assertTrue(s.network().ip().startsWith(pods.net.subnetPrefix), s.network().ip());
        assertTrue(Host.runOk("nsenter", "--net=" + netns, "ip", "-o", "addr").contains(s.network().ip() + "/24"));
        assertTrue(pods.cgroupExists(s.cgroup().path().value()));
        assertTrue(Host.runOk("iptables-save", "-t", "nat").contains(pods.net.network), "ipMasq rules expected");

        svc.remove(s.id());
        assertFalse(Files.exists(Path.of(ipc)) || Files.exists(Path.of(uts)) || Files.exists(Path.of(netns))
                || Files.exists(Path.of(shm)));
        assertFalse(pods.cgroupExists(s.cgroup().path().value()));
        assertEquals(List.of(), Host.portsOf(pods.net.bridge));
    }

    @Test
    void twoPodsGetDifferentIpsAndReachEachOther() throws Exception {
        Sandbox a = svc.run(pods.config("a").build(), "");
        Sandbox b = svc.run(pods.config("b").build(), "");
        assertNotEquals(a.network().ip(), b.network().ip());
        var ping = Host.run("nsenter", "--net=" + b.namespaces().netns(), "/bin/busybox", "ping", "-c", "1", "-W", "3",
                a.network().ip());
        assertTrue(ping.ok(), ping.stdoutText() + ping.stderrText());
    }

    @Test
    void sysctlsAreSetInsideThePodOnly() throws Exception {
        String hostValue = Files.readString(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).strip();
        String podValue = hostValue.equals("80") ? "81" : "80";
        Sandbox s = svc.run(pods.config("sys").setLinux(SandboxFixture.linux(NamespaceMode.POD,
                NamespaceMode.CONTAINER, NamespaceMode.POD).putSysctls("net.ipv4.ip_unprivileged_port_start",
                podValue).putSysctls("kernel.shmmni", "1024")).build(), "");
        assertEquals(podValue, Host.runOk("nsenter", "--net=" + s.namespaces().netns(), "cat",
                "/proc/sys/net/ipv4/ip_unprivileged_port_start").strip());
        assertEquals("1024", Host.runOk("nsenter", "--ipc=" + s.namespaces().ipc(), "cat",
                "/proc/sys/kernel/shmmni").strip());
        assertEquals(hostValue, Files.readString(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).strip());
    }

    @Test
    void anUnknownSysctlIsInvalidArgumentAndLeavesNothing() throws Exception {
        PodSandboxConfig cfg = pods.config("bad").setLinux(SandboxFixture.linux(NamespaceMode.POD,
                NamespaceMode.CONTAINER, NamespaceMode.POD).putSysctls("net.ipv4.no_such_knob", "1")).build();
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> svc.run(cfg, ""));
        assertTrue(e.getMessage().contains("net.ipv4.no_such_knob"), e.getMessage());
        pods.assertNothingLeft(svc);
    }

    @Test
    void aFailingPluginRollsEverythingBack() throws Exception {
        pods.net.addFailingPlugin();
        BerthException e = assertThrows(BerthException.class, () -> svc.run(pods.config("f").build(), ""));
        assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
        pods.assertNothingLeft(svc);
    }

    @Test
    void sharedPidPodHasCatatonitAsPid1UntilStopped() throws Exception {
        Sandbox s = svc.run(pods.config("pid").setLinux(SandboxFixture.linux(NamespaceMode.POD, NamespaceMode.POD,
                NamespaceMode.POD)).build(), "");
        InfraProcess p = s.namespaces().infra();
        String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
        assertTrue(status.lines().anyMatch(l -> l.matches("NSpid:\\s+" + p.pid() + "\\s+1")), status);
        assertTrue(Files.readString(Path.of("/proc", Long.toString(p.pid()), "cgroup"))
                .contains(s.cgroup().path().value()));
        // An orphan in the pod's PID namespace is reparented to the infra process, which reaps it.
        Host.runOk("nsenter", "--target=" + p.pid(), "--pid", "--", "/bin/sh", "-c", "sleep 0.2 & exit 0");
        Thread.sleep(1500);
        String children = Files.readString(Path.of("/proc", Long.toString(p.pid()), "task",
                Long.toString(p.pid()), "children")).strip();
        assertEquals("", children, "the infra process left children (zombies?)");
        svc.stop(s.id());
        assertFalse(UnshareInfraLauncher.system().alive(p));
    }

    @Test
    void hostNetworkPodSeesTheHostsInterfacesAndHostname() throws Exception {
        Sandbox s = svc.run(pods.config("hn").setLinux(SandboxFixture.linux(NamespaceMode.NODE,
                NamespaceMode.CONTAINER, NamespaceMode.POD)).build(), "");
        assertEquals(null, s.namespaces().netns());
        assertEquals(HostInfo.hostname() + "\n", Files.readString(s.hostnamePath()));
        assertEquals("", s.network().ip());
    }

    @Test
    void stopAndRemoveAreIdempotentAlsoForUnknownIds() throws Exception {
        Sandbox s = svc.run(pods.config("idem").build(), "");
        svc.stop(s.id());
        assertEquals(List.of(), Host.portsOf(pods.net.bridge));
        assertFalse(Files.exists(Path.of(s.namespaces().netns())));
        svc.stop(s.id());
        svc.remove(s.id());
        svc.remove(s.id());
        svc.stop(s.id());
        pods.assertNothingLeft(svc);
    }

    @Test
    void fiftyPodsCreatedAndRemovedConcurrentlyLeakNothing() throws Exception {
        int count = 50;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Sandbox>> runs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "c" + i;
                runs.add(pool.submit(() -> svc.run(pods.config(name).build(), "")));
            }
            List<String> ips = new ArrayList<>();
            List<Future<?>> removes = new ArrayList<>();
            for (Future<Sandbox> f : runs) {
                Sandbox s = f.get();
                ips.add(s.network().ip());
                removes.add(pool.submit(() -> svc.remove(s.id())));
            }
            for (Future<?> f : removes) {
                f.get();
            }
            assertEquals(count, ips.stream().distinct().count(), ips.toString());
        } finally {
            pool.shutdownNow();
        }
        pods.assertNothingLeft(svc);
    }

    @Test
    void aRestartedServiceReloadsPodsThatStayReadyAndRemovable() throws Exception {
        Sandbox s = svc.run(pods.config("keep").build(), "");
        SandboxService again = pods.startService();
        Sandbox reloaded = again.require(s.id());
        assertEquals(SandboxState.READY, reloaded.state());
        assertEquals(s.network().ip(), reloaded.network().ip());
        assertEquals(1, pods.net.leases().size(), "start-up CNI GC must keep a live pod's lease");
        assertTrue(Host.mounted(reloaded.namespaces().netns()));
        again.remove(s.id());
        pods.assertNothingLeft(again);
    }

    @Test
    void aRunKilledBeforeItsLastRecordWriteIsUndoneAtStartUp() throws Exception {
        Sandbox s = svc.run(pods.config("killed").build(), "");
        // What a kill -9 between CNI ADD and the READY write leaves: every resource, and a CREATING record.
        io.berth.runtime.store.RecordStore<Sandbox> raw = new io.berth.runtime.store.RecordStore<>(
                pods.root.resolve("sandboxes"), "pod sandbox", Sandbox.class, SandboxService.SCHEMA, Sandbox::id);
        raw.load();
        raw.update(s.id(), r -> r.withState(SandboxState.CREATING));
        SandboxService again = pods.newService();
        assertEquals(1, again.recover().rolledBack());
        pods.assertNothingLeft(again);
        again.run(pods.config("killed").build(), "");
    }

    @Test
    void afterARebootPodsAreNotReadyAndRemoveWithoutLeaks() throws Exception {
        Sandbox s = svc.run(pods.config("boot").setLinux(SandboxFixture.linux(NamespaceMode.POD, NamespaceMode.POD,
                NamespaceMode.POD)).build(), "");
        // A reboot empties the state dir, ends every process and forgets iptables rules;
        // host-local's leases (on disk) survive.
        UnshareInfraLauncher.system().stop(s.namespaces().infra());
        pods.forgetIptablesOf(s.id(), s.network().ip());
        LinuxPodNamespaces ns = new LinuxPodNamespaces();
        ns.unpin(Path.of(s.namespaces().ipc()));
        ns.unpin(Path.of(s.namespaces().uts()));
        new io.berth.cni.netns.NetnsManager(pods.netnsDir).remove(Path.of(s.namespaces().netns()));
        SandboxService again = pods.newService();
        assertEquals(1, again.recover().notReady());
        assertEquals(SandboxState.NOTREADY, again.require(s.id()).state());
        assertEquals(1, pods.net.leases().size());
        again.remove(s.id());
        pods.assertNothingLeft(again);
    }

    @Test
    void updatedPodResourcesReachTheLivePodCgroup() throws Exception {
        Sandbox s = svc.run(pods.config("res").build(), "");
        svc.updateResources(s.id(), null, io.berth.cri.v1.LinuxContainerResources.newBuilder().setCpuShares(512)
                .setMemoryLimitInBytes(256L << 20).build());
        String cg = s.cgroup().path().value();
        assertEquals("512", Files.readString(Path.of("/sys/fs/cgroup/cpu" + cg, "cpu.shares")).strip());
        assertEquals(Long.toString(256L << 20),
                Files.readString(Path.of("/sys/fs/cgroup/memory" + cg, "memory.limit_in_bytes")).strip());
    }

    @Test
    void aHostPortReachesThePodUntilItStops() throws Exception {
        int hostPort = java.util.concurrent.ThreadLocalRandom.current().nextInt(40000, 50000);
        Sandbox s = svc.run(pods.config("port").addPortMappings(io.berth.cri.v1.PortMapping.newBuilder()
                .setContainerPort(8080).setHostPort(hostPort)).build(), "");
        Path netns = Path.of(s.namespaces().netns());
        try (java.net.ServerSocket ss = io.berth.cni.netns.NetnsThreads.callIn(netns,
                () -> new java.net.ServerSocket(8080, 5, java.net.InetAddress.ofLiteral("0.0.0.0")))) {
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket c = ss.accept()) {
                    c.getOutputStream().write("hello from the pod".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (java.io.IOException e) {
                    // closed by the test
                }
            });
            // The bridge's address is the host side of the test's own network.
            try (java.net.Socket c = new java.net.Socket()) {
                c.connect(new java.net.InetSocketAddress(pods.net.subnetPrefix + "1", hostPort), 3000);
                c.setSoTimeout(3000);
                assertEquals("hello from the pod", new String(c.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertTrue(Host.runOk("iptables-save", "-t", "nat").contains("--dport " + hostPort), "DNAT rule expected");
        svc.stop(s.id());
        assertFalse(Host.runOk("iptables-save", "-t", "nat").contains("--dport " + hostPort),
                "the host port must be released by StopPodSandbox");
    }
}
