package io.berth.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import io.berth.cri.v1.RuntimeHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class ProbedRuntimesTest {

    /** runc-new answers a 1.2-style features document, runc-old only its version, "gone" nothing. */
    private final ConcurrentLinkedQueue<List<String>> calls = new ConcurrentLinkedQueue<>();
    private final CommandRunner runner = c -> {
        calls.add(c.argv());
        String bin = c.argv().getFirst();
        boolean features = c.argv().getLast().equals("features");
        if (bin.equals("runc-new") && features) {
            return new CommandResult(0, RuntimeFeaturesTest.RUNC_1_2.getBytes(StandardCharsets.UTF_8), new byte[0]);
        }
        if (bin.equals("runc-old") && !features) {
            return new CommandResult(0, "runc version 1.0.0\n".getBytes(StandardCharsets.UTF_8), new byte[0]);
        }
        if (bin.equals("gone")) {
            throw new java.io.IOException("No such file or directory");
        }
        return new CommandResult(1, new byte[0], "unknown command".getBytes(StandardCharsets.UTF_8));
    };

    private ProbedRuntimes probe() {
        return ProbedRuntimes.probe(Map.of(
                "fast", new ProbedRuntimes.Binary("runc-new", List.of("--root=/run/x")),
                "old", new ProbedRuntimes.Binary("runc-old", List.of()),
                "broken", new ProbedRuntimes.Binary("gone", List.of())), "old", runner);
    }

    @Test
    void eachHandlerIsAskedWithItsOwnGlobalOptions() {
        probe();
        assertTrue(calls.contains(List.of("runc-new", "--root=/run/x", "features")), calls.toString());
        assertTrue(calls.contains(List.of("runc-old", "features")), calls.toString());
    }

    @Test
    void theEmptyHandlerIsTheDefaultAndAnUnknownOneClaimsNothing() {
        ProbedRuntimes p = probe();
        assertEquals("runc-old", p.forHandler("").runtime());
        assertEquals("runc-new", p.forHandler("fast").runtime());
        RuntimeFeatures unknown = p.forHandler("nosuch");
        assertFalse(unknown.userNamespaces() || unknown.recursiveReadOnlyMounts() || unknown.idmapMounts());
    }

    @Test
    void statusListsTheDefaultFirstThenEveryHandlerWithWhatItsRuntimeSaid() {
        ProbedRuntimes probed = probe();
        List<RuntimeHandler> handlers = probed.toCri();
        assertEquals("", handlers.getFirst().getName());
        assertEquals(4, handlers.size());
        // "" is runc-old: no features document, so no rro; user namespaces as far as the kernel allows them
        // (runc has joined a user namespace by path with the spec's mappings since before "features").
        assertFalse(handlers.getFirst().getFeatures().getRecursiveReadOnlyMounts());
        assertEquals(RuntimeFeatures.Kernel.running().userNamespaces(), handlers.getFirst().getFeatures()
                .getUserNamespaces());
        RuntimeHandler broken = handlers.stream().filter(h -> h.getName().equals("broken")).findFirst().orElseThrow();
        assertFalse(broken.getFeatures().getRecursiveReadOnlyMounts() || broken.getFeatures().getUserNamespaces());
        RuntimeHandler fast = handlers.stream().filter(h -> h.getName().equals("fast")).findFirst().orElseThrow();
        boolean setattr = KernelVersion.running().atLeast(RuntimeFeatures.MOUNT_SETATTR);
        assertEquals(setattr, fast.getFeatures().getRecursiveReadOnlyMounts());
        assertEquals(setattr && RuntimeFeatures.Kernel.running().userNamespaces(),
                probed.forHandler("fast").userNamespacedPods());
        assertEquals(probed.forHandler("fast").userNamespacedPods(), fast.getFeatures().getUserNamespaces(),
                "Status claims exactly what the spec generator accepts");
    }

    @Test
    void nothingProbedReportsOnlyTheDefaultHandlerWithNoFeatures() {
        List<RuntimeHandler> handlers = ProbedRuntimes.none().toCri();
        assertEquals(1, handlers.size());
        assertEquals("", handlers.getFirst().getName());
        assertFalse(handlers.getFirst().getFeatures().getUserNamespaces());
        assertFalse(handlers.getFirst().getFeatures().getRecursiveReadOnlyMounts());
    }
}
