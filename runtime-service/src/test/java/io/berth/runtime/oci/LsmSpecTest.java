package io.berth.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.SELinuxOption;
import io.berth.cri.v1.SecurityProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LsmSpecTest extends FixtureTest {

    /** A pretend AppArmor/SELinux host that records profile loads. */
    static final class FakeModules implements SecurityModules {
        boolean apparmor;
        boolean selinux;
        final Set<String> loaded = new HashSet<>();
        int defaultLoads;

        @Override
        public boolean apparmorEnabled() {
            return apparmor;
        }

        @Override
        public boolean apparmorProfileLoaded(String name) {
            return loaded.contains(name);
        }

        @Override
        public void ensureDefaultAppArmorProfile() {
            defaultLoads++;
            loaded.add(LsmSpec.APPARMOR_DEFAULT);
        }

        @Override
        public boolean selinuxEnabled() {
            return selinux;
        }
    }

    FakeModules host = new FakeModules();

    @BeforeEach
    void setUp() {
        fx.lsm = host;
    }

    private JsonNode apparmor(SecurityProfile.ProfileType t, String ref) {
        return fx.secure(sc -> sc.setApparmor(SecurityProfile.newBuilder().setProfileType(t).setLocalhostRef(ref)));
    }

    @Test
    void runtimeDefaultOnAnAppArmorHostLoadsAndUsesBerthsProfile() {
        host.apparmor = true;
        JsonNode s = apparmor(SecurityProfile.ProfileType.RuntimeDefault, "");
        assertEquals("berth-default", s.at("/process/apparmorProfile").asText());
        assertEquals(1, host.defaultLoads);
        assertEquals("berth-default", fx.secure(sc -> sc).at("/process/apparmorProfile").asText(),
                "no choice at all means the default, as with containerd");
    }

    @Test
    void runtimeDefaultWithoutAppArmorOrWhenPrivilegedIsUnconfined() {
        assertFalse(apparmor(SecurityProfile.ProfileType.RuntimeDefault, "").at("/process").has("apparmorProfile"));
        host.apparmor = true;
        JsonNode s = fx.secure(sc -> sc.setPrivileged(true).setApparmor(
                SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault)));
        assertFalse(s.at("/process").has("apparmorProfile"));
        assertFalse(apparmor(SecurityProfile.ProfileType.Unconfined, "").at("/process").has("apparmorProfile"));
        assertEquals(0, host.defaultLoads);
    }

    @Test
    void localhostProfileMustBeLoaded() {
        host.apparmor = true;
        host.loaded.add("my-profile");
        assertEquals("my-profile",
                apparmor(SecurityProfile.ProfileType.Localhost, "my-profile").at("/process/apparmorProfile").asText());
        assertEquals("my-profile", fx.secure(sc -> sc.setApparmorProfile("localhost/my-profile"))
                .at("/process/apparmorProfile").asText());
        var e = assertThrows(FailedPreconditionException.class,
                () -> apparmor(SecurityProfile.ProfileType.Localhost, "other"));
        assertTrue(e.getMessage().contains("other") && e.getMessage().contains("not loaded"), e.getMessage());
    }

    @Test
    void localhostProfileOnAHostWithoutAppArmorNamesBoth() {
        var e = assertThrows(FailedPreconditionException.class,
                () -> apparmor(SecurityProfile.ProfileType.Localhost, "my-profile"));
        assertTrue(e.getMessage().contains("my-profile") && e.getMessage().contains("AppArmor is not enabled"),
                e.getMessage());
    }

    @Test
    void unknownDeprecatedAppArmorFormIsInvalid() {
        assertThrows(InvalidArgumentException.class, () -> fx.secure(sc -> sc.setApparmorProfile("strict")));
        assertFalse(fx.secure(sc -> sc.setApparmorProfile("unconfined")).at("/process").has("apparmorProfile"));
    }

    @Test
    void selinuxLabelsOnAnSelinuxHostWithDefaultsForMissingParts() {
        host.selinux = true;
        JsonNode s = fx.secure(sc -> sc.setSelinuxOptions(SELinuxOption.newBuilder().setLevel("s0:c1,c2")));
        assertEquals("system_u:system_r:container_t:s0:c1,c2", s.at("/process/selinuxLabel").asText());
        assertEquals("system_u:object_r:container_file_t:s0:c1,c2", s.at("/linux/mountLabel").asText());
    }

    @Test
    void selinuxOptionsAreIgnoredWithoutSelinux() {
        JsonNode s = fx.secure(sc -> sc.setSelinuxOptions(SELinuxOption.newBuilder().setType("spc_t")));
        assertFalse(s.at("/process").has("selinuxLabel"));
        assertFalse(s.at("/linux").has("mountLabel"));
    }

    @Test
    void hostModulesReadSysfs() throws Exception {
        Path sys = dir.resolve("sys");
        Files.createDirectories(sys.resolve("module/apparmor/parameters"));
        Files.writeString(sys.resolve("module/apparmor/parameters/enabled"), "Y\n");
        Files.createDirectories(sys.resolve("kernel/security/apparmor"));
        Files.writeString(sys.resolve("kernel/security/apparmor/profiles"),
                "berth-default (enforce)\n/usr/bin/man (complain)\n");
        var m = new HostSecurityModules(sys, c -> {
            throw new AssertionError("nothing to load");
        });
        assertTrue(m.apparmorEnabled());
        assertTrue(m.apparmorProfileLoaded("berth-default"));
        assertTrue(m.apparmorProfileLoaded("/usr/bin/man"));
        assertFalse(m.apparmorProfileLoaded("berth"));
        m.ensureDefaultAppArmorProfile();
        assertFalse(m.selinuxEnabled());
    }

    @Test
    void thisHostHasNeitherModule() {
        var real = new HostSecurityModules(c -> {
            throw new AssertionError("nothing to load");
        });
        assertFalse(real.apparmorEnabled(), "this test machine has no AppArmor; update the test if that changes");
        assertFalse(real.selinuxEnabled());
    }
}
