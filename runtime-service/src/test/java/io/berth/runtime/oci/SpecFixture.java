package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.ContainerMetadata;
import io.berth.cri.v1.LinuxContainerConfig;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Builds generator inputs for the security tests: a tiny rootfs and host facts chosen per test. */
final class SpecFixture {

    static final SpecInput.ImageDefaults IMAGE = new SpecInput.ImageDefaults("sha256:abc", "busybox:latest",
            List.of("/bin/sh"), List.of(), List.of(), "", "");
    /** Every capability but CAP_SYS_RESOURCE, as berthd holds them on this machine. */
    static final List<String> BOUNDING = Capabilities.fromMask(0x1ffffffffffL & ~(1L << 24));
    static final KernelVersion KERNEL = new KernelVersion(6, 18);

    /** runc 1.1 on a new kernel: user namespaces and rro, no idmapped mounts. */
    static final RuntimeFeatures RUNC_1_1 = new RuntimeFeatures("runc", "1.1.5", Set.of("ro", "rro", "rbind"),
            true, false, true, KERNEL);
    /** A runtime with every optional feature (runc 1.2+ on a new kernel). */
    static final RuntimeFeatures CAPABLE = new RuntimeFeatures("runc", "1.3.0",
            Set.of("ro", "rro", "rbind", "idmap", "ridmap"), true, true, true, KERNEL);

    final Path rootfs;
    RuntimeFeatures runtime = new RuntimeFeatures("", "", Set.of(), false, false, false, KERNEL);
    SecurityModules lsm = SecurityModules.none();
    String usernsPath;
    /** The pod's pinned netns; null for the host's. */
    String netns;
    PodSandboxConfig pod = PodSandboxConfig.newBuilder()
            .setMetadata(PodSandboxMetadata.newBuilder().setName("p").setNamespace("ns").setUid("u1")).build();

    SpecFixture(Path dir) throws IOException {
        rootfs = Files.createDirectories(dir.resolve("rootfs/etc")).getParent();
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
    }

    SpecInput input(UnaryOperator<ContainerConfig.Builder> edit) {
        ContainerConfig.Builder b = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("app"));
        return new SpecInput("c1", "s1", edit.apply(b).build(), pod, IMAGE, rootfs, "/berth-test/c1",
                new SpecInput.NamespacePlan(netns, null, null, null, false, null, usernsPath), null,
                new SpecInput.HostFacts(BOUNDING, false, 0, Map.of(), runtime, lsm));
    }

    JsonNode spec(UnaryOperator<ContainerConfig.Builder> edit) {
        return new OciSpecGenerator().generate(input(edit));
    }

    JsonNode secure(UnaryOperator<LinuxContainerSecurityContext.Builder> sc) {
        return spec(security(sc));
    }

    static UnaryOperator<ContainerConfig.Builder> security(UnaryOperator<LinuxContainerSecurityContext.Builder> sc) {
        return b -> b.setLinux(LinuxContainerConfig.newBuilder()
                .setSecurityContext(sc.apply(LinuxContainerSecurityContext.newBuilder())));
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The action the profile gives a syscall with no argument filter, or null when only filtered rules name it. */
    static String plainAction(JsonNode seccomp, String syscall) {
        for (JsonNode s : seccomp.get("syscalls")) {
            if (texts(s.get("names")).contains(syscall) && !s.has("args")) {
                return s.get("action").asText();
            }
        }
        return null;
    }

    static List<JsonNode> rulesFor(JsonNode seccomp, String syscall) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode s : seccomp.get("syscalls")) {
            if (texts(s.get("names")).contains(syscall)) {
                out.add(s);
            }
        }
        return out;
    }
}
