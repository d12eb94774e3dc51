package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.image.ref.Digest;
import io.berth.image.store.GarbageCollector;
import io.berth.image.store.ImageRecord;
import io.berth.image.store.Leases;
import io.berth.runtime.gc.GcMetrics;
import io.berth.runtime.gc.GcPlan;
import io.berth.runtime.gc.GcPlanner;
import io.berth.runtime.gc.PeriodicGc;
import io.berth.runtime.sandbox.Sandbox;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Garbage collection over real stores (content, image records, overlay
 * snapshots) with real containers on runc: it frees exactly the blobs and
 * snapshots nothing references, and keeps the layers of a running and of a
 * stopped container whose images were removed.
 */
class GcIT {

    static World w;
    static Sandbox pod;

    @BeforeAll
    static void setUp() throws Exception {
        w = new World();
        pod = w.runPod("gc");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void freesExactlyWhatNoImageOrContainerUses() throws Exception {
        Container running = w.run(pod, "running", "sleep 600");
        String stoppedImage = w.testImages.busybox("gcs-" + w.tag, 1, "");
        Container stopped = w.create(pod, w.container("stopped", "true").setImage(
                io.berth.cri.v1.ImageSpec.newBuilder().setImage(stoppedImage)));
        w.containers.start(stopped.id());
        w.awaitState(stopped.id(), ContainerState.EXITED, Duration.ofSeconds(30));
        String unused = w.testImages.busybox("gcb-" + w.tag, 2, "");
        byte[] leftover = ("left by a removed image " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        Digest orphan = Digest.of(leftover);
        w.content.put(orphan, leftover);

        ImageRecord a = w.images.resolve(w.busybox).orElseThrow();
        ImageRecord s = w.images.resolve(stoppedImage).orElseThrow();
        ImageRecord b = w.images.resolve(unused).orElseThrow();
        for (ImageRecord r : List.of(a, s, b)) {
            w.images.remove(r.id()); // as RemoveImage does; the containers keep their records
        }
        Set<String> kept = new HashSet<>(a.chainIds());
        kept.addAll(s.chainIds());
        Set<String> deadSnapshots = new HashSet<>(b.chainIds());
        deadSnapshots.removeAll(kept);
        Set<String> deadBlobs = Set.of(a.id(), s.id(), b.id(), orphan.toString());
        assertFalse(deadSnapshots.isEmpty(), "the unused image has a layer of its own");
        Set<String> snapshotsBefore = w.snapshots.list();

        GcPlanner planner = new GcPlanner(w.images, w.content, w.snapshots);
        GcPlan plan = planner.plan(w.containers.snapshotsInUse());
        assertEquals(deadBlobs, ids(plan.blobs()), "the dry run lists the unreferenced blobs");
        assertEquals(deadSnapshots, ids(plan.snapshots()), "and the unreferenced snapshots, nothing in use");
        assertTrue(plan.blobs().stream().allMatch(i -> !i.reason().isEmpty()));

        PrometheusRegistry registry = new PrometheusRegistry();
        PeriodicGc gc = new PeriodicGc(new GarbageCollector(w.images, w.content, w.snapshots, new Leases(),
                w.containers::snapshotsInUse), planner, w.content, w.snapshots, w.containers::snapshotsInUse,
                new GcMetrics(registry));
        PeriodicGc.Run run = gc.runOnce();
        assertEquals(deadBlobs.size(), run.blobs());
        assertEquals(deadSnapshots.size(), run.snapshots());
        assertEquals(plan.bytes(), run.bytes());
        assertTrue(run.bytes() > 0);

        Set<String> after = w.snapshots.list();
        Set<String> expected = new HashSet<>(snapshotsBefore);
        expected.removeAll(deadSnapshots);
        assertEquals(expected, after, "exactly the planned snapshots went");
        assertTrue(after.containsAll(kept), "the running and the stopped container's layers stay");
        for (String d : deadBlobs) {
            assertFalse(w.content.has(Digest.parse(d)), d);
        }
        var exec = w.containers.execSync(running.id(), List.of("cat", "/etc/passwd"), 10);
        assertEquals(0, exec.exitCode(), "the running container's rootfs still works");
        // Once the stopped container is removed, the layers only it used go on the next run.
        w.containers.remove(stopped.id());
        awaitReleased(stopped.image().chainId());
        Set<String> onlyStopped = new HashSet<>(s.chainIds());
        onlyStopped.removeAll(a.chainIds());
        PeriodicGc.Run second = gc.runOnce();
        assertEquals(0, second.blobs());
        assertEquals(onlyStopped.size(), second.snapshots());
        assertTrue(w.snapshots.list().containsAll(a.chainIds()), "the running container's layers stay");
        assertEquals(run.bytes() + second.bytes(), freedBytes(registry), "berth_gc_freed_bytes_total");
        gc.close();
    }

    /** The rootfs of a removed container may be torn down behind RemoveContainer; until then its layers are in use. */
    private static void awaitReleased(String chainId) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (w.containers.snapshotsInUse().contains(chainId)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(chainId + " still in use 30 s after its container was removed");
            }
            Thread.sleep(50);
        }
    }

    private static Set<String> ids(List<GcPlan.Item> items) {
        return items.stream().map(GcPlan.Item::id).collect(Collectors.toSet());
    }

    private static long freedBytes(PrometheusRegistry registry) {
        return registry.scrape().stream().filter(m -> m.getMetadata().getPrometheusName().equals("berth_gc_freed_bytes"))
                .map(m -> (CounterSnapshot) m).mapToLong(c -> (long) c.getDataPoints().get(0).getValue()).sum();
    }
}
