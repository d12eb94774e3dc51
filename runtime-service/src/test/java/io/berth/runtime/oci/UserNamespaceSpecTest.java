package io.berth.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.IDMapping;
import io.berth.cri.v1.LinuxPodSandboxConfig;
import io.berth.cri.v1.LinuxSandboxSecurityContext;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.NamespaceOption;
import io.berth.cri.v1.UserNamespace;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UserNamespaceSpecTest extends FixtureTest {

    @BeforeEach
    void setUp() {
        fx.runtime = SpecFixture.RUNC_1_1;
        fx.usernsPath = "/run/berth/s1/ns/user";
    }

    private static IDMapping map(int container, int host, int length) {
        return IDMapping.newBuilder().setContainerId(container).setHostId(host).setLength(length).build();
    }

    private static UserNamespace pod(List<IDMapping> uids, List<IDMapping> gids) {
        return UserNamespace.newBuilder().setMode(NamespaceMode.POD).addAllUids(uids).addAllGids(gids).build();
    }

    private JsonNode spec(UserNamespace u, Mount... mounts) {
        return fx.spec(b -> SpecFixture.security(sc -> sc.setNamespaceOptions(
                NamespaceOption.newBuilder().setUsernsOptions(u))).apply(b).addAllMounts(List.of(mounts)));
    }

    @Test
    void thePodsPinnedNamespaceIsJoinedWithItsMappingsForRunc11() {
        JsonNode s = spec(pod(List.of(map(0, 65536, 65536)), List.of(map(0, 131072, 65536))));
        assertTrue(s.at("/linux/namespaces").toString()
                .contains("{\"type\":\"user\",\"path\":\"/run/berth/s1/ns/user\"}"));
        assertEquals("{\"containerID\":0,\"hostID\":65536,\"size\":65536}", s.at("/linux/uidMappings/0").toString());
        assertEquals(131072, s.at("/linux/gidMappings/0/hostID").asLong(), "runc 1.1 wants the mappings next to the path");
    }

    @Test
    void runc12AndLaterReadTheMappingsFromTheNamespace() {
        fx.runtime = SpecFixture.CAPABLE;
        JsonNode s = spec(pod(List.of(map(0, 65536, 65536)), List.of(map(0, 65536, 65536))));
        assertTrue(s.at("/linux/namespaces").toString().contains("/run/berth/s1/ns/user"));
        assertFalse(s.at("/linux").has("uidMappings"), "runc 1.2+ warns when both are given");
        assertFalse(s.at("/linux").has("gidMappings"));
    }

    @Test
    void aBundleWithoutPodNamespacesGetsANewUserNamespace() {
        fx.usernsPath = null;
        JsonNode s = spec(pod(List.of(map(0, 65536, 65536)), List.of(map(0, 65536, 65536))));
        assertTrue(s.at("/linux/namespaces").toString().contains("{\"type\":\"user\"}"));
        assertEquals(65536, s.at("/linux/uidMappings/0/hostID").asLong());
    }

    @Test
    void aPodWithoutItsOwnUserNamespaceRefusesOne() {
        fx.usernsPath = null;
        fx.netns = "/run/netns/berth-x";
        var e = assertThrows(FailedPreconditionException.class,
                () -> spec(pod(List.of(map(0, 65536, 65536)), List.of(map(0, 65536, 65536)))));
        assertTrue(e.getMessage().contains("has no user namespace"), e.getMessage());
    }

    @Test
    void aContainerCannotAskForAnotherMappingThanItsPods() {
        fx.pod = fx.pod.toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                        .setUsernsOptions(pod(List.of(map(0, 65536, 10)), List.of(map(0, 65536, 10))))))).build();
        var e = assertThrows(InvalidArgumentException.class,
                () -> spec(pod(List.of(map(0, 200000, 10)), List.of(map(0, 200000, 10)))));
        assertTrue(e.getMessage().contains("its pod's"), e.getMessage());
    }

    @Test
    void nodeModeAndNoOptionsKeepTheHostNamespace() {
        JsonNode s = spec(UserNamespace.newBuilder().setMode(NamespaceMode.NODE).build());
        assertFalse(s.at("/linux/namespaces").toString().contains("user"));
        assertFalse(s.at("/linux").has("uidMappings"));
        assertFalse(fx.spec(b -> b).at("/linux/namespaces").toString().contains("user"));
    }

    @Test
    void thePodsOptionsApplyWhenTheContainerHasNone() {
        fx.pod = fx.pod.toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                        .setUsernsOptions(pod(List.of(map(0, 65536, 10)), List.of(map(0, 65536, 10))))))).build();
        assertEquals(10, fx.spec(b -> b).at("/linux/uidMappings/0/size").asInt());
    }

    static Stream<Arguments> badOptions() {
        IDMapping ok = map(0, 65536, 65536);
        return Stream.of(
                Arguments.of(pod(List.of(ok, map(65536, 200000, 10)), List.of(ok)), "uids: exactly one"),
                Arguments.of(pod(List.of(ok), List.of()), "gids: exactly one"),
                Arguments.of(pod(List.of(map(1, 65536, 65536)), List.of(ok)), "container id 0"),
                Arguments.of(pod(List.of(ok), List.of(map(0, 65536, 0))), "length 0"),
                Arguments.of(pod(List.of(map(0, -2, 65536)), List.of(ok)), "32-bit"),
                Arguments.of(UserNamespace.newBuilder().setMode(NamespaceMode.CONTAINER).build(), "CONTAINER"),
                Arguments.of(UserNamespace.newBuilder().setMode(NamespaceMode.TARGET).build(), "TARGET"),
                Arguments.of(UserNamespace.newBuilder().setMode(NamespaceMode.NODE).addUids(ok).build(), "NODE"));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void badOptionsAreInvalidAndNameTheField(UserNamespace u, String complaint) {
        var e = assertThrows(InvalidArgumentException.class, () -> spec(u));
        assertTrue(e.getMessage().contains("userns_options"), e.getMessage());
        assertTrue(e.getMessage().contains(complaint), e.getMessage());
    }

    @Test
    void aRuntimeWithoutUserNamespacesRefuses() {
        fx.runtime = new RuntimeFeatures("old-runtime", "", java.util.Set.of(), false, false, false,
                SpecFixture.KERNEL);
        var e = assertThrows(FailedPreconditionException.class,
                () -> spec(pod(List.of(map(0, 65536, 65536)), List.of(map(0, 65536, 65536)))));
        assertTrue(e.getMessage().contains("old-runtime") && e.getMessage().contains("pod sandbox"), e.getMessage());
    }

    @Test
    void volumesAreIdmappedWithThePodsMappingsWhenTheRuntimeCan() {
        fx.runtime = SpecFixture.CAPABLE;
        Mount vol = Mount.newBuilder().setContainerPath("/data").setHostPath(dir.toString()).build();
        JsonNode s = spec(pod(List.of(map(0, 65536, 65536)), List.of(map(0, 70000, 65536))), vol);
        JsonNode m = mount(s, "/data");
        assertEquals(65536, m.at("/uidMappings/0/hostID").asLong());
        assertEquals(70000, m.at("/gidMappings/0/hostID").asLong());
        assertTrue(SpecFixture.texts(m.get("options")).contains("ridmap"));
    }

    @Test
    void withoutRuntimeIdmapTheVolumesAreBerthsIdmappedCopiesBesideTheRootfs() {
        Mount vol = Mount.newBuilder().setContainerPath("/data").setHostPath(dir.toString()).build();
        Mount other = vol.toBuilder().setContainerPath("/other").build();
        JsonNode s = spec(pod(List.of(map(0, 65536, 65536)), List.of(map(0, 65536, 65536))), vol, other);
        Path stage = IdmappedVolumes.stageDir(fx.rootfs);
        assertEquals(stage.resolve("0").toString(), mount(s, "/data").get("source").asText());
        assertEquals(stage.resolve("1").toString(), mount(s, "/other").get("source").asText());
        assertFalse(stage.startsWith(fx.rootfs.getParent()), "never inside the bundle, which is deleted recursively");
        assertFalse(mount(s, "/data").has("uidMappings"), "runc 1.1 would refuse them");
    }

    @Test
    void berthsCopiesAreOnlyPrivate() {
        Mount vol = Mount.newBuilder().setContainerPath("/data").setHostPath(dir.toString())
                .setPropagation(io.berth.cri.v1.MountPropagation.PROPAGATION_HOST_TO_CONTAINER).build();
        var e = assertThrows(InvalidArgumentException.class,
                () -> spec(pod(List.of(map(0, 65536, 65536)), List.of(map(0, 65536, 65536))), vol));
        assertTrue(e.getMessage().contains("/data") && e.getMessage().contains("propagation"), e.getMessage());
    }

    @Test
    void aBareBundleOnARuntimeWithoutIdmapRefusesVolumes() {
        fx.usernsPath = null;
        Mount vol = Mount.newBuilder().setContainerPath("/data").setHostPath(dir.toString()).build();
        var e = assertThrows(InvalidArgumentException.class,
                () -> spec(pod(List.of(map(0, 65536, 65536)), List.of(map(0, 65536, 65536))), vol));
        assertTrue(e.getMessage().contains("/data") && e.getMessage().contains("idmapped"), e.getMessage());
    }

    @Test
    void aMountsOwnMappingsAreValidated() {
        fx.runtime = SpecFixture.CAPABLE;
        Mount bad = Mount.newBuilder().setContainerPath("/data").setHostPath(dir.toString())
                .addUidMappings(map(0, 1000, 0)).addGidMappings(map(0, 1000, 1)).build();
        var e = assertThrows(InvalidArgumentException.class, () -> fx.spec(b -> b.addMounts(bad)));
        assertTrue(e.getMessage().contains("/data uidMappings"), e.getMessage());
    }

    static JsonNode mount(JsonNode spec, String dest) {
        for (JsonNode m : spec.get("mounts")) {
            if (m.get("destination").asText().equals(dest)) {
                return m;
            }
        }
        throw new AssertionError("no mount at " + dest);
    }
}
