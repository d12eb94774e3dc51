package io.berth.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.BerthException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.PodSandboxConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A failure at any step of RunPodSandbox leaves nothing: no resource, file, record or name. */
class SandboxRollbackTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("cgroup", (Consumer<SandboxFixture>) f -> f.cgroups.failCreate = true),
                Arguments.of("ipc/uts pins", (Consumer<SandboxFixture>) f -> f.namespaces.failCreate = true),
                Arguments.of("/dev/shm", (Consumer<SandboxFixture>) f -> f.namespaces.failShm = true),
                Arguments.of("netns", (Consumer<SandboxFixture>) f -> f.network.failNetns = true),
                Arguments.of("unknown sysctl", (Consumer<SandboxFixture>) f -> f.namespaces.knownSysctls.clear()),
                Arguments.of("infra process", (Consumer<SandboxFixture>) f -> f.infra.failStart = true),
                Arguments.of("CNI ADD", (Consumer<SandboxFixture>) f -> f.network.failAdd = true));
    }

    @ParameterizedTest(name = "failing at {0}")
    @MethodSource("failures")
    void aFailedRunLeavesNothingAndFreesTheNameAtOnce(String step, Consumer<SandboxFixture> inject)
            throws Exception {
        SandboxFixture fx = new SandboxFixture(tmp);
        SandboxService svc = fx.newService();
        inject.accept(fx);
        PodSandboxConfig cfg = SandboxFixture.config("web").setLinux(SandboxFixture.linux(NamespaceMode.POD,
                NamespaceMode.POD, NamespaceMode.POD).putSysctls("net.ipv4.ip_forward", "1")).build();
        BerthException e = assertThrows(BerthException.class, () -> svc.run(cfg, ""));
        assertTrue(fx.nothingHeld(), step + ": something is still held");
        assertEquals(0, fx.filesLeft(), step + ": files left");
        assertEquals(0, svc.names().size(), step + ": the name is still reserved");
        assertTrue(svc.list(null).isEmpty());
        if (step.equals("unknown sysctl")) {
            assertTrue(e instanceof InvalidArgumentException && e.getMessage().contains("net.ipv4.ip_forward"),
                    e.getMessage());
        }
        // The same name works again right away once the fault is gone.
        SandboxFixture healthy = fx;
        healthy.cgroups.failCreate = false;
        healthy.namespaces.failCreate = false;
        healthy.namespaces.failShm = false;
        healthy.network.failNetns = false;
        healthy.network.failAdd = false;
        healthy.infra.failStart = false;
        healthy.namespaces.knownSysctls.add("net.ipv4.ip_forward");
        assertEquals(SandboxState.READY, svc.run(cfg, "").state());
    }

    @Test
    void cniAddFailureRunsDelForWhatThePluginLeft() {
        SandboxFixture fx;
        try {
            fx = new SandboxFixture(tmp);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        SandboxService svc = fx.newService();
        fx.network.failAdd = true;
        assertThrows(BerthException.class, () -> svc.run(SandboxFixture.config("web").build(), ""));
        assertEquals(1, fx.network.dels.get());
        assertTrue(fx.network.leases.isEmpty());
    }

    @Test
    void twentyConcurrentRunsAndRemovesLeakNothing() throws Exception {
        SandboxFixture fx = new SandboxFixture(tmp);
        SandboxService svc = fx.newService();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> runs = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String name = "pod-" + i;
                runs.add(pool.submit(() -> svc.run(SandboxFixture.config(name).build(), "").id()));
            }
            List<Future<?>> removes = new ArrayList<>();
            for (Future<String> f : runs) {
                String id = f.get();
                removes.add(pool.submit(() -> svc.remove(id)));
            }
            for (Future<?> f : removes) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(fx.nothingHeld());
        assertEquals(0, fx.filesLeft());
        assertEquals(0, svc.names().size());
    }
}
