package io.berth.runtime.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.RuntimeCondition;
import io.berth.cri.v1.StatusRequest;
import io.berth.cri.v1.StatusResponse;
import io.berth.runtime.cgroup.CgroupDriver;
import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.oci.RuntimeBinaryCheck;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusHandlerTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger networkChecks = new AtomicInteger();
    private final AtomicBoolean networkUp = new AtomicBoolean(true);
    private final AtomicReference<RuntimeBinaryCheck.Result> runtime =
            new AtomicReference<>(new RuntimeBinaryCheck.Result(true, "", ""));

    private StatusHandler handler() {
        NetworkStatus net = () -> {
            networkChecks.incrementAndGet();
            return networkUp.get() ? new NetworkStatus.Readiness(true, "", "")
                    : new NetworkStatus.Readiness(false, "CNIPluginMissing", "CNI plugin bridge not found");
        };
        RuntimeContext ctx = new RuntimeContext(BerthConfig.defaults(), new BuildInfo("t"), CgroupDriver.CGROUPFS,
                net, new PodCidrs());
        return new StatusHandler(ctx, runtime::get, now::get);
    }

    private static RuntimeCondition condition(StatusResponse s, String type) {
        return s.getStatus().getConditionsList().stream().filter(c -> c.getType().equals(type)).findFirst()
                .orElseThrow();
    }

    @Test
    void runtimeReadyFollowsTheBinaryCheckAtEachCall() {
        StatusHandler h = handler();
        assertTrue(condition(h.handle(StatusRequest.getDefaultInstance()), "RuntimeReady").getStatus());
        runtime.set(new RuntimeBinaryCheck.Result(false, RuntimeBinaryCheck.MISSING, "OCI runtime runc not found"));
        RuntimeCondition c = condition(h.handle(StatusRequest.getDefaultInstance()), "RuntimeReady");
        assertFalse(c.getStatus());
        assertEquals("OCIRuntimeMissing", c.getReason());
        assertTrue(c.getMessage().contains("runc"));
    }

    @Test
    void networkReadyIsCheckedAgainOnceItsShortMemoryRunsOut() {
        StatusHandler h = handler();
        assertTrue(condition(h.handle(StatusRequest.getDefaultInstance()), "NetworkReady").getStatus());
        networkUp.set(false);
        assertTrue(condition(h.handle(StatusRequest.getDefaultInstance()), "NetworkReady").getStatus(),
                "within the ttl the last answer stands");
        assertEquals(1, networkChecks.get());
        now.addAndGet(StatusHandler.NETWORK_TTL.toNanos());
        RuntimeCondition c = condition(h.handle(StatusRequest.getDefaultInstance()), "NetworkReady");
        assertFalse(c.getStatus());
        assertEquals("CNIPluginMissing", c.getReason());
        assertEquals(2, networkChecks.get());
    }

    @Test
    void featuresClaimSupplementalGroupsPolicyAndNoRuntimeFeatureWithoutAProbe() {
        StatusResponse s = handler().handle(StatusRequest.getDefaultInstance());
        assertTrue(s.getFeatures().getSupplementalGroupsPolicy());
        assertFalse(s.getFeatures().getUserNamespacesHostNetwork());
        assertEquals(1, s.getRuntimeHandlersCount());
        assertEquals("", s.getRuntimeHandlers(0).getName());
        assertFalse(s.getRuntimeHandlers(0).getFeatures().getRecursiveReadOnlyMounts());
        assertFalse(s.getRuntimeHandlers(0).getFeatures().getUserNamespaces());
    }

    @Test
    void theDefaultRuntimeCheckLooksForTheConfiguredBinary() {
        RuntimeContext ctx = new RuntimeContext(BerthConfig.defaults(), new BuildInfo("t"), CgroupDriver.CGROUPFS,
                NetworkStatus.NOT_CONFIGURED, new PodCidrs());
        // The default config runs "runc" from PATH, which this project's tests need anyway.
        assertTrue(StatusHandler.defaultRuntimeCheck(ctx).check().ready());
    }

    @Test
    void runtimeHandlersAreWhatTheStartUpProbeFound() {
        var rro = new io.berth.runtime.oci.RuntimeFeatures("runc", "1.1.5", java.util.Set.of("rro"), true, false,
                true, io.berth.runtime.oci.KernelVersion.running());
        var probed = new io.berth.runtime.oci.ProbedRuntimes(java.util.Map.of("runc", rro), "runc");
        var pods = new io.berth.runtime.container.PodRuntime(null, null, null, null, null, probed);
        RuntimeContext ctx = new RuntimeContext(BerthConfig.defaults(), new BuildInfo("t"), CgroupDriver.CGROUPFS,
                NetworkStatus.NOT_CONFIGURED, new PodCidrs(), pods);
        StatusResponse s = new StatusHandler(ctx, runtime::get, now::get).handle(StatusRequest.getDefaultInstance());
        assertEquals(probed.toCri(), s.getRuntimeHandlersList());
        assertEquals(List.of("", "runc"), s.getRuntimeHandlersList().stream().map(h -> h.getName()).toList());
        assertTrue(s.getRuntimeHandlers(1).getFeatures().getRecursiveReadOnlyMounts());
    }
}
