package io.berth.runtime.sandbox;

import io.berth.cni.PodNetworkRequest;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.runtime.cgroup.CgroupDriver;
import io.berth.runtime.cgroup.CgroupPath;
import io.berth.runtime.cgroup.PodCgroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-memory fakes of the sandbox's OS boundaries. Each keeps the set of
 * resources it holds, so a test can assert that nothing leaked, and can be
 * told to fail a step.
 */
final class Fakes {

    private Fakes() {
    }

    /** Pins are plain files, so that the service's directory cleanup is exercised too. */
    static final class Namespaces implements PodNamespaces {
        final Set<Path> pinned = ConcurrentHashMap.newKeySet();
        final Map<Path, Long> shms = new ConcurrentHashMap<>();
        final Map<Path, String> hostnames = new ConcurrentHashMap<>();
        final Map<String, String> sysctlsWritten = new ConcurrentHashMap<>();
        final Set<String> knownSysctls = ConcurrentHashMap.newKeySet();
        volatile boolean failCreate;
        volatile boolean failShm;

        Namespaces() {
            knownSysctls.addAll(List.of("net.ipv4.ip_forward", "net.ipv4.ping_group_range", "kernel.shmmax",
                    "kernel.msgmax", "fs.mqueue.msg_max"));
        }

        @Override
        public void createPinned(PinRequest r) throws IOException {
            if (failCreate) {
                throw new IOException("injected: unshare failed");
            }
            pin(r.uts(), r.hostname(), r.ipc(), r.uts());
        }

        private void pin(Path uts, String hostname, Path... pins) throws IOException {
            for (Path p : pins) {
                if (p != null) {
                    Files.createDirectories(p.getParent());
                    Files.createFile(p);
                    pinned.add(p);
                }
            }
            if (uts != null) {
                hostnames.put(uts, hostname);
            }
        }

        @Override
        public void adoptPinned(AdoptRequest r) throws IOException {
            if (failCreate) {
                throw new IOException("injected: bind of /proc/" + r.pid() + "/ns failed");
            }
            pin(r.uts(), r.hostname(), r.user(), r.ipc(), r.uts());
        }

        @Override
        public void unpin(Path pin) throws IOException {
            pinned.remove(pin);
            Files.deleteIfExists(pin);
        }

        @Override
        public void mountShm(Path dir, long sizeBytes) throws IOException {
            Files.createDirectories(dir);
            if (failShm) {
                throw new IOException("injected: mount tmpfs failed");
            }
            shms.put(dir, sizeBytes);
        }

        @Override
        public void unmountShm(Path dir) throws IOException {
            shms.remove(dir);
            Files.deleteIfExists(dir);
        }

        @Override
        public boolean isPinned(Path pin) {
            return pinned.contains(pin);
        }

        @Override
        public void writeSysctls(Path pin, NamespaceKind kind, Map<String, String> sysctls, long nsRootUid)
                throws IOException {
            for (Map.Entry<String, String> e : sysctls.entrySet()) {
                if (!knownSysctls.contains(e.getKey())) {
                    throw new SysctlRejectedException(e.getKey(), "does not exist");
                }
                sysctlsWritten.put(e.getKey(), e.getValue());
            }
        }
    }

    static final class Networking implements SandboxNetworking {
        final Set<String> netns = ConcurrentHashMap.newKeySet();
        final Map<String, String> leases = new ConcurrentHashMap<>();
        final List<PodNetworkRequest> adds = new CopyOnWriteArrayList<>();
        final AtomicInteger dels = new AtomicInteger();
        private final AtomicInteger nextIp = new AtomicInteger(2);
        volatile boolean failNetns;
        volatile boolean failAdd;
        volatile boolean failDel;

        @Override
        public Path netnsPath(String sandboxId) {
            return Path.of("/fake/netns/berth-" + sandboxId.substring(0, 16));
        }

        @Override
        public void createNetns(String sandboxId) throws IOException {
            if (failNetns) {
                throw new IOException("injected: netns creation failed");
            }
            netns.add(sandboxId);
        }

        @Override
        public void adoptNetns(String sandboxId, long pid) throws IOException {
            createNetns(sandboxId);
        }

        @Override
        public void removeNetns(String sandboxId) {
            netns.remove(sandboxId);
        }

        @Override
        public boolean netnsExists(Path path) {
            return netns.stream().anyMatch(id -> netnsPath(id).equals(path));
        }

        @Override
        public Attachment setUp(PodNetworkRequest request) throws IOException {
            adds.add(request);
            // A failed ADD may leave a lease behind: the caller's DEL must clean it.
            String ip = "10.88.0." + nextIp.getAndIncrement();
            leases.put(request.sandboxId(), ip);
            if (failAdd) {
                throw new IOException("injected: plugin bridge failed");
            }
            return new Attachment(ip, List.of("fd00::" + nextIp.get()), "{\"cniVersion\":\"1.0.0\",\"ips\":[]}");
        }

        @Override
        public void tearDown(String sandboxId) throws IOException {
            if (failDel) {
                throw new IOException("injected: DEL failed");
            }
            dels.incrementAndGet();
            leases.remove(sandboxId);
        }
    }

    static final class Cgroups implements PodCgroups {
        final Set<String> created = ConcurrentHashMap.newKeySet();
        final Map<String, List<Long>> procs = new ConcurrentHashMap<>();
        final List<LinuxContainerResources> updates = new CopyOnWriteArrayList<>();
        final Map<Long, Integer> oom = new ConcurrentHashMap<>();
        volatile boolean failCreate;

        @Override
        public PodCgroup plan(Request r) {
            String path = r.parent().isEmpty() ? "/berth/pod-" + r.sandboxId().substring(0, 12) : r.parent();
            return new PodCgroup(CgroupDriver.CGROUPFS, null, CgroupPath.parse(path), false);
        }

        @Override
        public PodCgroup create(Request r) throws IOException {
            if (failCreate) {
                throw new IOException("injected: mkdir cgroup failed");
            }
            PodCgroup p = plan(r);
            created.add(p.path().value());
            return new PodCgroup(p.driver(), null, p.path(), r.parent().isEmpty());
        }

        @Override
        public void update(PodCgroup cgroup, LinuxContainerResources overhead, LinuxContainerResources resources) {
            updates.add(resources);
        }

        @Override
        public void addProcess(PodCgroup cgroup, long pid) {
            procs.computeIfAbsent(cgroup.path().value(), k -> new CopyOnWriteArrayList<>()).add(pid);
        }

        @Override
        public void remove(PodCgroup cgroup) {
            created.remove(cgroup.path().value());
        }

        @Override
        public void setOomScoreAdj(long pid, int value) {
            oom.put(pid, value);
        }
    }

    static final class Infra implements InfraLauncher {
        final Set<Long> running = ConcurrentHashMap.newKeySet();
        final Map<Long, io.berth.runtime.oci.UserNamespaceSpec.Mappings> userns = new ConcurrentHashMap<>();
        private final AtomicLong nextPid = new AtomicLong(40000);
        volatile boolean failStart;

        @Override
        public InfraProcess start(String sandboxId) throws IOException {
            if (failStart) {
                throw new IOException("injected: catatonit missing");
            }
            long pid = nextPid.getAndIncrement();
            running.add(pid);
            return new InfraProcess(pid, 7);
        }

        @Override
        public InfraProcess startInUserNamespace(String sandboxId, io.berth.runtime.oci.UserNamespaceSpec.Mappings m,
                                                 boolean pidNamespace) throws IOException {
            InfraProcess p = start(sandboxId);
            userns.put(p.pid(), m);
            return p;
        }

        @Override
        public void stop(InfraProcess p) {
            running.remove(p.pid());
        }

        @Override
        public boolean alive(InfraProcess p) {
            return running.contains(p.pid());
        }
    }

    static final class Containers implements PodContainers {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void stopAll(String sandboxId) {
            calls.add("stopAll " + sandboxId);
        }

        @Override
        public void removeAll(String sandboxId) {
            calls.add("removeAll " + sandboxId);
        }

        @Override
        public List<String> list(String sandboxId) {
            return new ArrayList<>();
        }
    }
}
