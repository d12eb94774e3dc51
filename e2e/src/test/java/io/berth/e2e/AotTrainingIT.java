package io.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berthd aot-train}, the workload every build records the AOT cache
 * with, runs real containers as root (a pull, a pod, create to remove): it
 * must get through all of it and leave nothing on the building machine.
 */
class AotTrainingIT {

    @TempDir
    Path tmp;

    @Test
    void trainsTheContainerLifecycleAndLeavesNothingBehind() throws Exception {
        List<String> mountsBefore = trainingMounts();
        TreeSet<String> cgroupsBefore = trainingCgroups();
        Path out = tmp.resolve("out.txt");
        // Short: berthd refuses a state dir whose socket paths would not fit.
        Path javaTmp = Files.createTempDirectory(Path.of("/tmp"), "bat");
        ProcessBuilder pb = new ProcessBuilder(BerthdProcess.REPO.resolve("bin/berthd").toString(), "aot-train")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        // Its working directory goes under a temp dir of ours, which must be empty again afterwards.
        pb.environment().put("BERTH_JAVA_OPTS", "-Djava.io.tmpdir=" + javaTmp);
        Process p = pb.start();
        boolean finished;
        try {
            finished = p.waitFor(180, TimeUnit.SECONDS);
        } finally {
            stop(p);
        }
        assertTrue(finished, "aot-train did not finish in 180 s");
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), text);
        assertFalse(text.contains("not trained"), "the lifecycle must run here (root, catatonit): " + text);

        try (Stream<Path> left = Files.list(javaTmp)) {
            assertEquals(List.of(), left.toList(), "the training's directory must be deleted");
        } finally {
            Files.deleteIfExists(javaTmp);
        }
        assertEquals(mountsBefore, trainingMounts(), "mounts of the training left behind");
        assertEquals(cgroupsBefore, trainingCgroups(), "cgroups of the training left behind");
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            List<String> left = all.map(h -> h.info().commandLine().orElse(""))
                    .filter(c -> c.contains("berth-aot-")).toList();
            assertEquals(List.of(), left, "processes of the training left behind");
        }
    }

    /** A training that hung must not outlive the test: its client first, then the daemon JVM. */
    private static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> trainingMounts() throws IOException {
        return Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> l.contains("berth-aot-")).toList();
    }

    private static TreeSet<String> trainingCgroups() throws IOException {
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.filter(Files::isDirectory).toList()) {
                if (h.getFileName().toString().startsWith("berth-aot-train")) {
                    names.add(h.getFileName().toString()); // cgroup v2: no hierarchy level
                    continue;
                }
                try (Stream<Path> children = Files.list(h)) {
                    children.map(c -> c.getFileName().toString()).filter(n -> n.startsWith("berth-aot-train"))
                            .forEach(n -> names.add(h.getFileName() + "/" + n));
                }
            }
        }
        return names;
    }
}
