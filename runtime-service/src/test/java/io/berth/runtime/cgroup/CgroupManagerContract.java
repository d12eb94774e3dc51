package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InternalException;
import io.berth.common.error.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every layout must do for the pod lifecycle, run once per layout on a
 * fake tree (STYLE.md rule 8). Subclasses add their version's file checks.
 */
abstract class CgroupManagerContract {

    static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    Path root;
    CgroupLayout layout;
    FakeCgroupFs fs;
    FsCgroupManager manager;

    /** Builds the layout under {@code root} and returns the root. */
    abstract Path buildTree(Path dir);

    /** The file a memory limit goes to in this version. */
    abstract String memoryLimitFile();

    @BeforeEach
    void setUpTree() {
        root = buildTree(tmp.resolve("cg"));
        layout = CgroupLayout.detect(root, tmp.resolve("no-mountinfo"));
        fs = new FakeCgroupFs(root);
        manager = newManager(CgroupDriver.CGROUPFS);
    }

    FsCgroupManager newManager(CgroupDriver driver) {
        CgroupSettings settings = CgroupSettings.defaults().withRoot(root, tmp.resolve("no-mountinfo"))
                .withDriver(driver).withRemoveTimeout(Duration.ofMillis(300));
        return new FsCgroupManager(layout, driver, settings, fs);
    }

    PodCgroup createPod(String parent) {
        return manager.createPod(new PodCgroupRequest(parent, "sb1", null, null));
    }

    void assertInEveryHierarchy(CgroupPath path, boolean present) {
        for (Path h : layout.hierarchies()) {
            assertEquals(present, Files.isDirectory(h.resolve(path.relative())), h + " " + path);
        }
    }

    @Test
    void createPodMakesItInEveryHierarchy() {
        PodCgroup pod = createPod("/test/pod1");
        assertTrue(pod.createdByBerth());
        assertInEveryHierarchy(pod.path(), true);
        assertTrue(manager.exists(pod.path()));
        assertFalse(createPod("/test/pod1").createdByBerth(), "a second create finds it there");
    }

    @Test
    void removePodRemovesItsTreeOnlyAndIsIdempotent() throws IOException {
        PodCgroup pod = createPod("/test/pod1");
        createPod("/test/pod2");
        CgroupPath container = manager.containerPath(pod, "c1");
        for (Path h : layout.hierarchies()) {
            fs.mkdir(h.resolve(container.relative()));
        }
        manager.removePod(pod);
        assertInEveryHierarchy(pod.path(), false);
        assertInEveryHierarchy(CgroupPath.parse("/test/pod2"), true);
        assertInEveryHierarchy(CgroupPath.parse("/test"), true);
        manager.removePod(pod);
        assertFalse(manager.exists(pod.path()));
    }

    @Test
    void aLeftoverContainerCgroupIsRemovedAlone() {
        PodCgroup pod = createPod("/test/pod1");
        CgroupPath c1 = manager.containerPath(pod, "c1");
        CgroupPath c2 = manager.containerPath(pod, "c2");
        CgroupBackend.of(layout, fs).create(c1);
        CgroupBackend.of(layout, fs).create(c2);
        manager.removeContainer(pod, "c1");
        manager.removeContainer(pod, "c1");
        manager.removeContainer(pod, "nevercreated");
        assertInEveryHierarchy(c1, false);
        assertInEveryHierarchy(c2, true);
        assertInEveryHierarchy(pod.path(), true);
    }

    @Test
    void theRootIsNeverRemoved() {
        createPod("/test/pod1");
        manager.removePod(new PodCgroup(CgroupDriver.CGROUPFS, null, CgroupPath.ROOT, true));
        assertInEveryHierarchy(CgroupPath.parse("/test/pod1"), true);
    }

    @Test
    void removeRetriesWhileTasksExit() {
        PodCgroup pod = createPod("/test/pod1");
        Path procs = layout.hierarchies().getFirst().resolve(pod.path().relative()).resolve("cgroup.procs");
        FakeTrees.put(procs, "4242\n");
        AtomicInteger attempts = new AtomicInteger();
        fs.onBusy(n -> {
            attempts.set(n);
            if (n == 3) {
                FakeTrees.put(procs, ""); // the last task has exited
            }
        });
        manager.removePod(pod);
        assertEquals(3, attempts.get());
        assertInEveryHierarchy(pod.path(), false);
    }

    @Test
    void removeGivesUpWhenTasksStay() {
        PodCgroup pod = createPod("/test/pod1");
        Path procs = layout.hierarchies().getFirst().resolve(pod.path().relative()).resolve("cgroup.procs");
        FakeTrees.put(procs, "4242\n");
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> manager.removePod(pod));
        assertTrue(e.getMessage().contains("pod1"), e.getMessage());
        assertTrue(Files.isDirectory(procs.getParent()));
    }

    @Test
    void aPodCgroupTheKubeletMadeKeepsAllButOurLeftovers() throws IOException {
        CgroupPath kubelets = CgroupPath.parse("/kubepods/pod1");
        CgroupBackend.of(layout, fs).create(kubelets.child("other"));
        PodCgroup pod = createPod("/kubepods/pod1");
        assertFalse(pod.createdByBerth());
        CgroupPath leftover = manager.containerPath(pod, "c1");
        CgroupBackend.of(layout, fs).create(leftover);
        manager.removePod(pod);
        assertInEveryHierarchy(leftover, false);
        assertInEveryHierarchy(kubelets.child("other"), true);
        assertInEveryHierarchy(kubelets, true);
    }

    @Test
    void processesAreMovedEverywhereAndCountedWithDescendants() throws IOException {
        PodCgroup pod = createPod("/test/pod1");
        CgroupPath child = pod.path().child("berth-c1");
        CgroupBackend.of(layout, fs).create(child);
        manager.addProcess(pod.path(), 100);
        manager.addProcess(child, 101);
        manager.addProcess(child, 102);
        assertEquals(3, manager.processCount(pod.path()));
        assertEquals(2, manager.processCount(child));
        for (Path h : layout.hierarchies()) {
            assertEquals("100", FakeTrees.read(h.resolve(pod.path().relative()).resolve("cgroup.procs")));
        }
    }

    @Test
    void aMissingCgroupIsNotFound() {
        CgroupPath missing = CgroupPath.parse("/test/missing");
        assertThrows(NotFoundException.class, () -> manager.stats(missing));
        assertThrows(NotFoundException.class, () -> manager.processCount(missing));
        assertThrows(NotFoundException.class, () -> manager.apply(missing,
                CgroupResources.builder().memoryLimit(MIB).build()));
    }

    @Test
    void aFailedApplyLeavesNothingThisCallCreated() {
        fs.failWrites(memoryLimitFile(), new IOException("Invalid argument"));
        createPod("/shared/pod0");
        PodCgroupRequest request = new PodCgroupRequest("/fresh/pod1", "sb1",
                CgroupResources.builder().memoryLimit(64 * MIB).build(), null);
        assertThrows(InternalException.class, () -> manager.createPod(request));
        assertInEveryHierarchy(CgroupPath.parse("/fresh"), false);
        PodCgroupRequest shared = new PodCgroupRequest("/shared/pod1", "sb1",
                CgroupResources.builder().memoryLimit(64 * MIB).build(), null);
        assertThrows(InternalException.class, () -> manager.createPod(shared));
        assertInEveryHierarchy(CgroupPath.parse("/shared/pod1"), false);
        assertInEveryHierarchy(CgroupPath.parse("/shared/pod0"), true);
    }

    @Test
    void podResourcesIncludeTheOverhead() {
        PodCgroup pod = manager.createPod(new PodCgroupRequest("/test/pod1", "sb1",
                CgroupResources.builder().memoryLimit(64 * MIB).build(),
                CgroupResources.builder().memoryLimit(16 * MIB).build()));
        Path dir = memoryDir(pod.path());
        assertEquals(Long.toString(80 * MIB), FakeTrees.read(dir.resolve(memoryLimitFile())));
    }

    @Test
    void systemdDriverCreatesTheExpandedSlice() {
        manager = newManager(CgroupDriver.SYSTEMD);
        PodCgroup pod = createPod("kubepods-burstable-pod1.slice");
        assertEquals("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice", pod.path().value());
        assertInEveryHierarchy(pod.path(), true);
        assertEquals("kubepods-burstable-pod1.slice:berth:c1", manager.ociCgroupsPath(pod, "c1"));
        manager.removePod(pod);
        assertInEveryHierarchy(pod.path(), false);
        assertInEveryHierarchy(CgroupPath.parse("/kubepods.slice/kubepods-burstable.slice"), true);
    }

    abstract Path memoryDir(CgroupPath path);
}
