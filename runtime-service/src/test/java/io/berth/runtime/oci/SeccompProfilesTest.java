package io.berth.runtime.oci;

import static io.berth.runtime.oci.SpecFixture.plainAction;
import static io.berth.runtime.oci.SpecFixture.rulesFor;
import static io.berth.runtime.oci.SpecFixture.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.Capability;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import io.berth.cri.v1.SecurityProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SeccompProfilesTest extends FixtureTest {

    private static UnaryOperator<LinuxContainerSecurityContext.Builder> profile(SecurityProfile.ProfileType t) {
        return sc -> sc.setSeccomp(SecurityProfile.newBuilder().setProfileType(t));
    }

    private JsonNode runtimeDefault(String... addCaps) {
        return fx.secure(sc -> profile(SecurityProfile.ProfileType.RuntimeDefault).apply(sc)
                .setCapabilities(Capability.newBuilder().addAllAddCapabilities(List.of(addCaps)))).at("/linux/seccomp");
    }

    @Test
    void runtimeDefaultIsAnAllowListForTheHostArchitectures() {
        JsonNode s = runtimeDefault();
        assertEquals("SCMP_ACT_ERRNO", s.get("defaultAction").asText());
        assertEquals(1, s.get("defaultErrnoRet").asInt());
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), texts(s.get("architectures")));
        assertEquals("SCMP_ACT_ALLOW", plainAction(s, "read"));
        assertEquals("SCMP_ACT_ALLOW", plainAction(s, "execve"));
        assertFalse(s.toString().contains("why"), "our comments stay out of config.json");
    }

    static Stream<Arguments> blockedWithoutCapabilities() {
        return Stream.of("mount", "umount2", "kexec_load", "bpf", "sethostname", "setdomainname", "setns",
                "pivot_root", "reboot", "init_module", "io_uring_setup", "io_uring_enter", "io_uring_register",
                "keyctl", "add_key", "request_key", "userfaultfd", "open_by_handle_at").map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("blockedWithoutCapabilities")
    void defaultCapabilitiesCannotReach(String syscall) {
        assertTrue(rulesFor(runtimeDefault(), syscall).isEmpty(), syscall + " must fall to the default EPERM");
    }

    @Test
    void sysAdminUnlocksMountsAndHostnamesButNeverKeyringsOrIoUring() {
        JsonNode s = runtimeDefault("SYS_ADMIN");
        for (String call : List.of("mount", "umount2", "sethostname", "setdomainname", "unshare", "clone", "bpf")) {
            assertEquals("SCMP_ACT_ALLOW", plainAction(s, call), call);
        }
        for (String call : List.of("keyctl", "add_key", "io_uring_setup", "kexec_load")) {
            assertTrue(rulesFor(s, call).isEmpty(), call);
        }
    }

    @Test
    void unshareAndCloneWithoutSysAdminMayNotCreateNamespaces() {
        JsonNode s = runtimeDefault();
        for (String call : List.of("unshare", "clone")) {
            List<JsonNode> rules = rulesFor(s, call);
            assertEquals(1, rules.size(), call);
            JsonNode arg = rules.getFirst().at("/args/0");
            assertEquals("SCMP_CMP_MASKED_EQ", arg.get("op").asText());
            long userNs = 0x10000000L;
            assertTrue((arg.get("value").asLong() & userNs) != 0, "CLONE_NEWUSER is in the mask");
            assertEquals(0, arg.get("valueTwo").asLong());
        }
        JsonNode clone3 = rulesFor(s, "clone3").getFirst();
        assertEquals("SCMP_ACT_ERRNO", clone3.get("action").asText());
        assertEquals(38, clone3.get("errnoRet").asInt(), "ENOSYS sends the C library back to clone");
    }

    @Test
    void ptraceOnlyOnKernelsThatCheckIt() {
        assertEquals("SCMP_ACT_ALLOW", plainAction(runtimeDefault(), "ptrace"));
        fx.runtime = new RuntimeFeatures("runc", "", java.util.Set.of(), false, false, false,
                new KernelVersion(4, 4));
        assertNull(plainAction(runtimeDefault(), "ptrace"));
        assertEquals("SCMP_ACT_ALLOW", plainAction(runtimeDefault("SYS_PTRACE"), "ptrace"));
    }

    @Test
    void personalityIsLimitedToKnownValues() {
        List<JsonNode> rules = rulesFor(runtimeDefault(), "personality");
        assertEquals(5, rules.size());
        rules.forEach(r -> assertEquals("SCMP_CMP_EQ", r.at("/args/0/op").asText()));
    }

    @Test
    void unsetAndUnconfinedAndPrivilegedHaveNoSeccomp() {
        assertFalse(fx.secure(sc -> sc).at("/linux").has("seccomp"));
        assertFalse(fx.secure(profile(SecurityProfile.ProfileType.Unconfined)).at("/linux").has("seccomp"));
        assertFalse(fx.secure(sc -> profile(SecurityProfile.ProfileType.RuntimeDefault).apply(sc)
                .setPrivileged(true)).at("/linux").has("seccomp"));
    }

    static Stream<Arguments> legacyPaths() {
        return Stream.of(Arguments.of("unconfined", false), Arguments.of("runtime/default", true),
                Arguments.of("docker/default", true), Arguments.of("", false));
    }

    @ParameterizedTest
    @MethodSource("legacyPaths")
    void deprecatedProfilePathForms(String path, boolean confined) {
        JsonNode s = fx.secure(sc -> sc.setSeccompProfilePath(path));
        assertEquals(confined, s.at("/linux").has("seccomp"), path);
    }

    @Test
    void unknownDeprecatedFormIsInvalid() {
        var e = assertThrows(InvalidArgumentException.class,
                () -> fx.secure(sc -> sc.setSeccompProfilePath("confined/please")));
        assertTrue(e.getMessage().contains("seccomp_profile_path"));
    }

    private JsonNode localhost(Path file) {
        return fx.secure(sc -> sc.setSeccomp(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.Localhost).setLocalhostRef(file.toString())));
    }

    @Test
    void localhostOciProfilePassesThrough() throws Exception {
        Path f = Files.writeString(dir.resolve("p.json"), """
                {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
                 "syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}""");
        JsonNode s = localhost(f).at("/linux/seccomp");
        assertEquals("SCMP_ACT_ALLOW", s.get("defaultAction").asText());
        assertEquals(13, rulesFor(s, "mkdir").getFirst().get("errnoRet").asInt());
        assertEquals(List.of("SCMP_ARCH_X86_64"), texts(s.get("architectures")));
    }

    @Test
    void localhostDockerProfileIsJudgedByCapabilitiesAndArch() throws Exception {
        Path f = Files.writeString(dir.resolve("docker.json"), """
                {"defaultAction":"SCMP_ACT_ERRNO",
                 "archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]},
                            {"architecture":"SCMP_ARCH_AARCH64","subArchitectures":["SCMP_ARCH_ARM"]}],
                 "syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},
                   {"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}},
                   {"name":"chmod","action":"SCMP_ACT_ALLOW","excludes":{"caps":["CAP_CHOWN"]}},
                   {"names":["arm_only"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["arm64"]}}]}""");
        JsonNode s = localhost(f).at("/linux/seccomp");
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"), texts(s.get("architectures")));
        assertEquals("SCMP_ACT_ALLOW", plainAction(s, "read"));
        assertNull(plainAction(s, "mount"));
        assertNull(plainAction(s, "chmod"), "the default set holds CAP_CHOWN");
        assertNull(plainAction(s, "arm_only"));
    }

    static Stream<Arguments> brokenProfiles() {
        return Stream.of(
                Arguments.of("{not json", "not valid JSON"),
                Arguments.of("[]", "JSON object"),
                Arguments.of("{\"syscalls\":[]}", "defaultAction"),
                Arguments.of("{\"defaultAction\":\"ALLOW\"}", "defaultAction"),
                Arguments.of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\"}]}",
                        "syscalls[0]"),
                Arguments.of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
                        + "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":9,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                        "index"));
    }

    @ParameterizedTest
    @MethodSource("brokenProfiles")
    void malformedLocalhostProfileIsInvalidAndNamesTheFile(String text, String complaint) throws Exception {
        Path f = Files.writeString(dir.resolve("broken.json"), text);
        var e = assertThrows(InvalidArgumentException.class, () -> localhost(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(complaint), e.getMessage());
    }

    @Test
    void missingOrRelativeLocalhostProfileIsInvalid() {
        Path missing = dir.resolve("nope.json");
        var e = assertThrows(InvalidArgumentException.class, () -> localhost(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"));
        var rel = assertThrows(InvalidArgumentException.class, () -> localhost(Path.of("rel/p.json")));
        assertTrue(rel.getMessage().contains("localhost_ref"));
    }

    @Test
    void deprecatedLocalhostFormReadsTheFile() throws Exception {
        Path f = Files.writeString(dir.resolve("old.json"), "{\"defaultAction\":\"SCMP_ACT_LOG\"}");
        JsonNode s = fx.secure(sc -> sc.setSeccompProfilePath("localhost/" + f));
        assertEquals("SCMP_ACT_LOG", s.at("/linux/seccomp/defaultAction").asText());
    }
}
