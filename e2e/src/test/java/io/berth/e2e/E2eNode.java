package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.ContainerFilter;
import io.berth.cri.v1.ContainerMetadata;
import io.berth.cri.v1.ContainerStatus;
import io.berth.cri.v1.ContainerStatusRequest;
import io.berth.cri.v1.CreateContainerRequest;
import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.LinuxPodSandboxConfig;
import io.berth.cri.v1.ListContainersRequest;
import io.berth.cri.v1.ListPodSandboxRequest;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxMetadata;
import io.berth.cri.v1.PullImageRequest;
import io.berth.cri.v1.RemoveContainerRequest;
import io.berth.cri.v1.RemovePodSandboxRequest;
import io.berth.cri.v1.RunPodSandboxRequest;
import io.berth.cri.v1.StartContainerRequest;
import io.berth.cri.v1.StopPodSandboxRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private node for e2e tests that run pods: a loopback registry with busybox,
 * a bridge network of its own (unique bridge and /24, no masquerade so no
 * iptables rule exists to leak), a cgroup parent of its own, and a berthd from
 * bin/berthd over short private dirs. {@link #close()} removes every process,
 * mount, cgroup and link it made, whatever state the test left.
 */
final class E2eNode implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    final Path dir;
    final String cgroupParent = "berth-e2e-" + tag;
    final String bridge = "be2e" + tag;
    LocalRegistry registry;
    String busybox;
    BerthdProcess berthd;

    E2eNode() throws Exception {
        dir = Files.createDirectory(Path.of("/tmp", "be" + tag));
        LocalRegistry r = null;
        try {
            r = LocalRegistry.start(dir.resolve("registry"));
            writeNetwork();
            berthd = BerthdProcess.start(dir.resolve("b"), new BerthdProcess.Extra("default_network = false\n",
                    "[registry]\ninsecure = [\"" + r.host() + "\"]\n[cgroup]\ndriver = \"cgroupfs\"\n"));
            String ref = r.pushBusybox("e2e/busybox" + tag);
            berthd.image().withDeadlineAfter(120, TimeUnit.SECONDS).pullImage(PullImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(ref)).build());
            busybox = ref;
            registry = r;
        } catch (Exception | AssertionError e) {
            registry = r;
            cleanUp();
            throw e;
        }
    }

    /** berthd's net.d is {@code <dir>/b/net.d}, which BerthdProcess configures. */
    private void writeNetwork() throws IOException {
        String used = Host.run("ip", "-o", "addr") + Host.run("ip", "route");
        String subnet = null;
        for (int i = 0; i < 200 && subnet == null; i++) {
            String p = "10.247." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
            subnet = used.contains(p) ? null : p + "0/24";
        }
        String conf = """
                {"cniVersion": "1.0.0", "name": "e2e-%s", "plugins": [{"type": "bridge", "bridge": "%s",
                 "isGateway": true, "ipMasq": false, "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s"}]],
                 "dataDir": "%s"}}]}
                """.formatted(tag, bridge, subnet, dir.resolve("ipam"));
        Path netd = Files.createDirectories(dir.resolve("b/net.d"));
        Files.writeString(netd.resolve("50-e2e.conflist"), conf);
    }

    PodSandboxConfig pod(String name) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("e2e")
                        .setUid("uid-" + name + "-" + tag))
                .setHostname(name).setLogDirectory(dir.resolve("logs").resolve(name).toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/" + cgroupParent + "/" + name))
                .build();
    }

    String runPod(PodSandboxConfig pod) {
        return berthd.runtime().withDeadlineAfter(60, TimeUnit.SECONDS).runPodSandbox(RunPodSandboxRequest
                .newBuilder().setConfig(pod).build()).getPodSandboxId();
    }

    ContainerConfig.Builder container(String name, String script) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(busybox))
                .addCommand("sh").addArgs("-c").addArgs(script).setLogPath(name + ".log");
    }

    String create(String podId, PodSandboxConfig pod, ContainerConfig.Builder c) {
        return berthd.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(c).setSandboxConfig(pod).build()).getContainerId();
    }

    String run(String podId, PodSandboxConfig pod, ContainerConfig.Builder c) {
        String id = create(podId, pod, c);
        berthd.runtime().withDeadlineAfter(30, TimeUnit.SECONDS).startContainer(StartContainerRequest.newBuilder()
                .setContainerId(id).build());
        return id;
    }

    ContainerStatus status(String id) {
        return berthd.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
                .getStatus();
    }

    ContainerStatus awaitState(String id, io.berth.cri.v1.ContainerState want) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            ContainerStatus s = status(id);
            if (s.getState() == want) {
                return s;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(id + " never became " + want + ": " + status(id));
    }

    /** The verbose "info" JSON of ContainerStatus (pid, shimPid, ...). */
    JsonNode info(String id) throws IOException {
        return JSON.readTree(berthd.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                .setContainerId(id).setVerbose(true).build()).getInfoOrThrow("info"));
    }

    /** Removes every container and pod through the CRI, as a kubelet would. */
    void removeAllThroughCri() {
        for (var c : berthd.runtime().listContainers(ListContainersRequest.newBuilder()
                .setFilter(ContainerFilter.getDefaultInstance()).build()).getContainersList()) {
            berthd.runtime().withDeadlineAfter(60, TimeUnit.SECONDS).removeContainer(RemoveContainerRequest
                    .newBuilder().setContainerId(c.getId()).build());
        }
        for (var p : berthd.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            berthd.runtime().withDeadlineAfter(60, TimeUnit.SECONDS).stopPodSandbox(StopPodSandboxRequest
                    .newBuilder().setPodSandboxId(p.getId()).build());
            berthd.runtime().withDeadlineAfter(60, TimeUnit.SECONDS).removePodSandbox(RemovePodSandboxRequest
                    .newBuilder().setPodSandboxId(p.getId()).build());
        }
    }

    /** Live (non-zombie) processes in this node's cgroups or naming its dir: containers, shims, runc. */
    List<Long> processes() throws IOException {
        List<Long> out = new ArrayList<>(Host.processesMentioning(dir.toString()));
        for (Path cg : cgroupDirs()) {
            for (String line : Files.readAllLines(cg.resolve("cgroup.procs"))) {
                long pid = Long.parseLong(line.strip());
                if (!out.contains(pid) && Host.alive(pid)) {
                    out.add(pid);
                }
            }
        }
        return out;
    }

    /** Every cgroup directory under this node's parent, in every v1 hierarchy, deepest first. */
    List<Path> cgroupDirs() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path top = h.resolve(cgroupParent);
                if (Files.isDirectory(top)) {
                    try (Stream<Path> w = Files.walk(top)) {
                        w.filter(Files::isDirectory).forEach(out::add);
                    }
                }
            }
        }
        out.sort((a, b) -> b.getNameCount() - a.getNameCount());
        return out;
    }

    /** Container cgroups (berth-&lt;id&gt;) left under this node's parent. */
    List<Path> containerCgroups() throws IOException {
        return cgroupDirs().stream().filter(p -> p.getFileName().toString().matches("berth-[0-9a-f]{64}.*"))
                .toList();
    }

    /**
     * Mounts below the node's dir, except berthd's netns dir itself: like
     * /run/netns it is made a shared mount point once and stays one.
     */
    List<String> mounts() throws IOException {
        String netnsDir = dir.resolve("b/netns").toString();
        return Host.mountsUnder(dir).stream().filter(m -> !m.equals(netnsDir)).toList();
    }

    /** Kills every process of this node, as a power cut would (berthd first). */
    void killEverything() throws Exception {
        if (berthd != null && berthd.process.isAlive()) {
            berthd.kill9();
        }
        for (int round = 0; round < 3; round++) {
            for (long pid : processes()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            for (long pid : processes()) {
                Host.awaitGone(pid);
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (berthd != null && berthd.process.isAlive()) {
                try {
                    removeAllThroughCri();
                } catch (RuntimeException e) {
                    System.err.println("e2e cleanup through the CRI failed: " + e);
                }
            }
        } finally {
            cleanUp();
        }
    }

    private void cleanUp() throws Exception {
        try {
            killEverything();
            if (berthd != null) {
                berthd.close();
            }
        } finally {
            for (String m : Host.mountsUnder(dir).reversed()) {
                Host.run("umount", "-l", m);
            }
            for (Path cg : cgroupDirs()) {
                Files.deleteIfExists(cg);
            }
            Host.run("ip", "link", "del", bridge);
            if (registry != null) {
                registry.close();
            }
            Host.run("rm", "-rf", dir.toString());
        }
    }
}
