package io.berth.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.IDMapping;
import io.berth.cri.v1.LinuxPodSandboxConfig;
import io.berth.cri.v1.LinuxSandboxSecurityContext;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.NamespaceOption;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxMetadata;
import io.berth.cri.v1.UserNamespace;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RunPodSandbox refuses a bad userns_options before anything is created (RunPlan runs first). */
class RunPlanUserNamespaceTest {

    private static IDMapping map(int container, int host) {
        return IDMapping.newBuilder().setContainerId(container).setHostId(host).setLength(65536).build();
    }

    private static PodSandboxConfig pod(UserNamespace u) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("p").setNamespace("ns").setUid("u"))
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setUsernsOptions(u))))
                .build();
    }

    @Test
    void aValidPodMappingPasses() {
        UserNamespace u = UserNamespace.newBuilder().setMode(NamespaceMode.POD).addUids(map(0, 100000))
                .addGids(map(0, 100000)).build();
        assertEquals("", RunPlan.of(pod(u), "", Set.of()).runtimeHandler());
    }

    @Test
    void thePodsOwnUserNamespaceCannotGoWithTheNodesNetworkIpcOrPid() {
        UserNamespace u = UserNamespace.newBuilder().setMode(NamespaceMode.POD).addUids(map(0, 100000))
                .addGids(map(0, 100000)).build();
        for (NamespaceOption.Builder ns : java.util.List.of(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE),
                NamespaceOption.newBuilder().setIpc(NamespaceMode.NODE),
                NamespaceOption.newBuilder().setPid(NamespaceMode.NODE))) {
            PodSandboxConfig c = pod(u).toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                    LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(ns.setUsernsOptions(u)))).build();
            var e = assertThrows(InvalidArgumentException.class, () -> RunPlan.of(c, "", Set.of()), ns::toString);
            assertTrue(e.getMessage().contains("userns_options") && e.getMessage().contains("NODE"), e.getMessage());
        }
        UserNamespace node = UserNamespace.newBuilder().setMode(NamespaceMode.NODE).build();
        PodSandboxConfig hostNet = pod(node).toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                        .setNetwork(NamespaceMode.NODE).setUsernsOptions(node)))).build();
        assertEquals(null, RunPlan.of(hostNet, "", Set.of()).userns(), "mode NODE is the host's: no limits");
    }

    @Test
    void badMappingsAreInvalidArgumentNamingTheField() {
        var cases = java.util.List.of(
                UserNamespace.newBuilder().setMode(NamespaceMode.POD).addUids(map(1, 100000))
                        .addGids(map(0, 100000)).build(),
                UserNamespace.newBuilder().setMode(NamespaceMode.POD).addUids(map(0, 100000))
                        .addUids(map(65536, 300000)).addGids(map(0, 100000)).build(),
                UserNamespace.newBuilder().setMode(NamespaceMode.CONTAINER).build(),
                UserNamespace.newBuilder().setMode(NamespaceMode.TARGET).build(),
                UserNamespace.newBuilder().setMode(NamespaceMode.POD).addUids(map(0, 100000)).build());
        for (UserNamespace u : cases) {
            var e = assertThrows(InvalidArgumentException.class, () -> RunPlan.of(pod(u), "", Set.of()), u::toString);
            assertTrue(e.getMessage().contains("userns_options"), e.getMessage());
            assertTrue(e.getMessage().contains("p_ns_u_0"), e.getMessage());
        }
    }
}
