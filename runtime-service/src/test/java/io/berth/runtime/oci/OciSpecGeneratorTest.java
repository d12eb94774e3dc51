package io.berth.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.Capability;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.ContainerMetadata;
import io.berth.cri.v1.Device;
import io.berth.cri.v1.Int64Value;
import io.berth.cri.v1.KeyValue;
import io.berth.cri.v1.LinuxContainerConfig;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.MountPropagation;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxMetadata;
import io.berth.cri.v1.SupplementalGroupsPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OciSpecGeneratorTest {

    @TempDir
    Path dir;
    Path rootfs;
    Path podFiles;

    private static final SpecInput.ImageDefaults IMAGE = new SpecInput.ImageDefaults("sha256:abc",
            "docker.io/library/busybox:latest", List.of("/bin/entry"), List.of("default-arg"),
            List.of("PATH=/image/bin", "FROM_IMAGE=1", "OVERRIDE=image"), "/work", "");

    @BeforeEach
    void setUp() throws Exception {
        rootfs = Files.createDirectories(dir.resolve("rootfs/etc"));
        rootfs = rootfs.getParent();
        Files.writeString(rootfs.resolve("etc/passwd"),
                "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\napp:x:1000:\nvideo:x:44:app\naudio:x:29:app,x\n");
        podFiles = Files.createDirectories(dir.resolve("pod"));
        for (String f : List.of("resolv.conf", "hostname", "hosts")) {
            Files.writeString(podFiles.resolve(f), f);
        }
    }

    private SpecInput input(UnaryOperator<ContainerConfig.Builder> edit) {
        ContainerConfig.Builder b = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("app"));
        PodSandboxConfig pod = PodSandboxConfig.newBuilder().setHostname("pod-host")
                .setMetadata(PodSandboxMetadata.newBuilder().setName("p").setNamespace("ns").setUid("u1")).build();
        return new SpecInput("c1", "s1", edit.apply(b).build(), pod, IMAGE, rootfs, "/kubepods/pod1/berth-c1",
                new SpecInput.NamespacePlan("/run/netns/berth-s1", "/run/berth/s1/ipc", "/run/berth/s1/uts",
                        null, false, null),
                new SpecInput.PodFilePaths(podFiles.resolve("resolv.conf"), podFiles.resolve("hostname"),
                        podFiles.resolve("hosts")),
                new SpecInput.HostFacts(Capabilities.fromMask(0x1ffffffffffL & ~(1L << 24)), false, 0, Map.of()));
    }

    private JsonNode spec(UnaryOperator<ContainerConfig.Builder> edit) {
        return new OciSpecGenerator().generate(input(edit));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of(List.of(), List.of(), List.of("/bin/entry", "default-arg")),
                Arguments.of(List.of(), List.of("a", "b"), List.of("/bin/entry", "a", "b")),
                Arguments.of(List.of("/bin/sh"), List.of(), List.of("/bin/sh")),
                Arguments.of(List.of("/bin/sh"), List.of("-c", "x"), List.of("/bin/sh", "-c", "x")));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void commandFollowsKubernetesRules(List<String> command, List<String> args, List<String> expected) {
        JsonNode s = spec(b -> b.addAllCommand(command).addAllArgs(args));
        assertEquals(expected, texts(s.at("/process/args")));
    }

    @Test
    void noCommandAnywhereIsInvalid() {
        SpecInput.ImageDefaults bare = new SpecInput.ImageDefaults("x", "img", List.of(), List.of(), List.of(), "", "");
        SpecInput in = input(b -> b);
        SpecInput noCmd = new SpecInput(in.containerId(), in.sandboxId(), in.config(), in.podConfig(), bare,
                in.rootfs(), in.cgroupsPath(), in.namespaces(), in.podFiles(), in.host());
        var e = assertThrows(InvalidArgumentException.class, () -> new OciSpecGenerator().generate(noCmd));
        assertTrue(e.getMessage().contains("img"));
    }

    @Test
    void containerEnvOverridesImageEnvInPlace() {
        JsonNode s = spec(b -> b.addEnvs(KeyValue.newBuilder().setKey("OVERRIDE").setValue("pod"))
                .addEnvs(KeyValue.newBuilder().setKey("NEW").setValue("1")));
        assertEquals(List.of("PATH=/image/bin", "FROM_IMAGE=1", "OVERRIDE=pod", "NEW=1", "HOSTNAME=pod-host"),
                texts(s.at("/process/env")));
    }

    @Test
    void workingDirFromConfigThenImage() {
        assertEquals("/work", spec(b -> b).at("/process/cwd").asText());
        assertEquals("/tmp", spec(b -> b.setWorkingDir("/tmp")).at("/process/cwd").asText());
    }

    private static UnaryOperator<ContainerConfig.Builder> security(
            UnaryOperator<LinuxContainerSecurityContext.Builder> sc) {
        return b -> b.setLinux(LinuxContainerConfig.newBuilder()
                .setSecurityContext(sc.apply(LinuxContainerSecurityContext.newBuilder())));
    }

    @Test
    void usernameResolvesWithImageGroupsMerged() {
        JsonNode u = spec(security(sc -> sc.setRunAsUsername("app").addSupplementalGroups(5))).at("/process/user");
        assertEquals(1000, u.get("uid").asLong());
        assertEquals(1000, u.get("gid").asLong());
        assertEquals(List.of("44", "29", "5"), texts(u.get("additionalGids")));
    }

    @Test
    void strictPolicyKeepsOnlyRequestedGroups() {
        JsonNode u = spec(security(sc -> sc.setRunAsUsername("app").addSupplementalGroups(5)
                .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict))).at("/process/user");
        assertEquals(List.of("5"), texts(u.get("additionalGids")));
    }

    @Test
    void unlistedNumericUserStillRuns() {
        JsonNode u = spec(security(sc -> sc.setRunAsUser(Int64Value.newBuilder().setValue(4242))
                .setRunAsGroup(Int64Value.newBuilder().setValue(7)))).at("/process/user");
        assertEquals(4242, u.get("uid").asLong());
        assertEquals(7, u.get("gid").asLong());
    }

    @Test
    void groupWithoutUserIsInvalid() {
        assertThrows(InvalidArgumentException.class,
                () -> spec(security(sc -> sc.setRunAsGroup(Int64Value.newBuilder().setValue(7)))));
    }

    @Test
    void unknownUsernameIsInvalidAndNamed() {
        var e = assertThrows(InvalidArgumentException.class,
                () -> spec(security(sc -> sc.setRunAsUsername("nobody-here"))));
        assertTrue(e.getMessage().contains("nobody-here"));
    }

    @Test
    void symlinkedPasswdCannotReadHostFiles() throws Exception {
        Files.delete(rootfs.resolve("etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/../../../../etc/passwd"));
        // Resolved inside the rootfs, the link points at rootfs/etc/passwd itself: a loop, so no users.
        assertEquals("", UserResolver.readInside(rootfs, "etc/passwd"));
    }

    @Test
    void defaultCapabilitiesAddAndDrop() {
        JsonNode s = spec(security(sc -> sc.setCapabilities(Capability.newBuilder()
                .addAddCapabilities("NET_ADMIN").addDropCapabilities("CAP_KILL"))));
        List<String> caps = texts(s.at("/process/capabilities/effective"));
        assertTrue(caps.contains("CAP_NET_ADMIN"));
        assertFalse(caps.contains("CAP_KILL"));
        assertTrue(caps.contains("CAP_CHOWN"));
    }

    @Test
    void dropAllThenAddOne() {
        JsonNode s = spec(security(sc -> sc.setCapabilities(Capability.newBuilder()
                .addAddCapabilities("NET_RAW").addDropCapabilities("ALL"))));
        assertEquals(List.of("CAP_NET_RAW"), texts(s.at("/process/capabilities/bounding")));
    }

    @Test
    void addAllIsLimitedToTheHostBoundingSet() {
        JsonNode s = spec(security(sc -> sc.setCapabilities(Capability.newBuilder().addAddCapabilities("ALL"))));
        List<String> caps = texts(s.at("/process/capabilities/permitted"));
        assertTrue(caps.contains("CAP_SYS_ADMIN"));
        assertFalse(caps.contains("CAP_SYS_RESOURCE"), "the host lacks it, so runc could not grant it");
    }

    @Test
    void unknownCapabilityIsInvalid() {
        var e = assertThrows(InvalidArgumentException.class, () -> spec(security(sc -> sc.setCapabilities(
                Capability.newBuilder().addAddCapabilities("CAP_MAKE_COFFEE")))));
        assertTrue(e.getMessage().contains("CAP_MAKE_COFFEE"));
    }

    @Test
    void privilegedGetsHostCapsNoMaskedPathsWritableSys() {
        JsonNode s = spec(security(sc -> sc.setPrivileged(true)));
        assertFalse(s.at("/linux").has("maskedPaths"));
        assertFalse(s.at("/linux").has("readonlyPaths"));
        assertEquals(40, s.at("/process/capabilities/bounding").size());
        JsonNode sys = mount(s, "/sys");
        assertTrue(texts(sys.get("options")).contains("rw"));
        assertTrue(s.at("/linux/resources/devices/0/allow").asBoolean());
    }

    @Test
    void unprivilegedGetsDefaultMaskedPathsAndDenyAllDevices() {
        JsonNode s = spec(b -> b);
        assertTrue(texts(s.at("/linux/maskedPaths")).contains("/proc/kcore"));
        assertTrue(texts(s.at("/linux/readonlyPaths")).contains("/proc/sys"));
        assertFalse(s.at("/linux/resources/devices/0/allow").asBoolean());
        assertTrue(s.at("/process/noNewPrivileges").isBoolean());
    }

    @Test
    void kubeletMaskedPathsWin() {
        JsonNode s = spec(security(sc -> sc.addMaskedPaths("/proc/x").addReadonlyPaths("/proc/y")));
        assertEquals(List.of("/proc/x"), texts(s.at("/linux/maskedPaths")));
        assertEquals(List.of("/proc/y"), texts(s.at("/linux/readonlyPaths")));
    }

    private static JsonNode mount(JsonNode spec, String dest) {
        for (JsonNode m : spec.get("mounts")) {
            if (m.get("destination").asText().equals(dest)) {
                return m;
            }
        }
        throw new AssertionError("no mount at " + dest);
    }

    @Test
    void volumesBecomeBindMountsWithPropagation() throws Exception {
        Path vol = Files.createDirectories(dir.resolve("vol"));
        Path link = Files.createSymbolicLink(dir.resolve("vol-link"), vol);
        JsonNode s = spec(b -> b.addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath(link.toString())
                .setReadonly(true).setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER)));
        JsonNode m = mount(s, "/data");
        assertEquals(vol.toRealPath().toString(), m.get("source").asText());
        assertEquals(List.of("rbind", "rslave", "ro"), texts(m.get("options")));
        assertEquals("rslave", s.at("/linux/rootfsPropagation").asText());
    }

    @Test
    void missingHostPathIsInvalidAndNamed() {
        var e = assertThrows(InvalidArgumentException.class, () -> spec(b -> b.addMounts(
                Mount.newBuilder().setContainerPath("/data").setHostPath("/no/such/berth/path"))));
        assertTrue(e.getMessage().contains("/no/such/berth/path"));
    }

    @Test
    void bidirectionalNeedsPrivileged() {
        assertThrows(InvalidArgumentException.class, () -> spec(b -> b.addMounts(Mount.newBuilder()
                .setContainerPath("/data").setHostPath(dir.toString())
                .setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL))));
        JsonNode s = spec(b -> b.addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath(dir.toString())
                .setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL))
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                        LinuxContainerSecurityContext.newBuilder().setPrivileged(true))));
        assertEquals("rshared", s.at("/linux/rootfsPropagation").asText());
    }

    @Test
    void kubeletHostsMountReplacesThePodFile() {
        JsonNode s = spec(b -> b.addMounts(Mount.newBuilder().setContainerPath("/etc/hosts")
                .setHostPath(podFiles.resolve("resolv.conf").toString())));
        long hosts = 0;
        for (JsonNode m : s.get("mounts")) {
            if (m.get("destination").asText().equals("/etc/hosts")) {
                hosts++;
            }
        }
        assertEquals(1, hosts);
        assertEquals(podFiles.resolve("resolv.conf").toString(), mount(s, "/etc/hosts").get("source").asText());
        assertEquals(podFiles.resolve("resolv.conf").toString(), mount(s, "/etc/resolv.conf").get("source").asText());
    }

    @Test
    void namespacesJoinThePodsPins() {
        JsonNode ns = spec(b -> b).at("/linux/namespaces");
        assertEquals("{\"type\":\"mount\"}", ns.get(0).toString());
        assertEquals("/run/netns/berth-s1", ns.get(1).get("path").asText());
        assertEquals("pid", ns.get(4).get("type").asText());
        assertFalse(ns.get(4).has("path"));
    }

    @Test
    void resourcesAreCopiedAndOomScoreIsFloored() {
        JsonNode s = spec(b -> b.setLinux(LinuxContainerConfig.newBuilder().setResources(
                LinuxContainerResources.newBuilder().setCpuShares(512).setCpuQuota(50000).setCpuPeriod(100000)
                        .setMemoryLimitInBytes(64 << 20).setOomScoreAdj(-998).putUnified("memory.high", "1"))));
        assertEquals(512, s.at("/linux/resources/cpu/shares").asLong());
        assertEquals(50000, s.at("/linux/resources/cpu/quota").asLong());
        assertEquals(64 << 20, s.at("/linux/resources/memory/limit").asLong());
        assertEquals("1", s.at("/linux/resources/unified/memory.high").asText());
        assertEquals(0, s.at("/process/oomScoreAdj").asInt());
        assertEquals("/kubepods/pod1/berth-c1", s.at("/linux/cgroupsPath").asText());
    }

    @Test
    void deviceIsAddedWithItsCgroupRule() {
        JsonNode s = spec(b -> b.addDevices(Device.newBuilder().setHostPath("/dev/null")
                .setContainerPath("/dev/mynull").setPermissions("rw")));
        JsonNode d = s.at("/linux/devices/0");
        assertEquals("/dev/mynull", d.get("path").asText());
        assertEquals(1, d.get("major").asLong());
        assertEquals(3, d.get("minor").asLong());
        assertEquals("rw", s.at("/linux/resources/devices/1/access").asText());
    }

    @Test
    void annotationsNameTheContainerAndPod() {
        JsonNode a = spec(b -> b.putAnnotations("k", "v")).get("annotations");
        assertEquals("container", a.get("io.kubernetes.cri.container-type").asText());
        assertEquals("s1", a.get("io.kubernetes.cri.sandbox-id").asText());
        assertEquals("v", a.get("k").asText());
    }
}
