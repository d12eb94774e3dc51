package io.berth.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Host facts the e2e tests check and clean by: processes, mounts, commands. */
final class Host {

    private Host() {
    }

    /** Runs a command, returns its stdout; a failure is not an error (cleanup runs these blindly). */
    static String run(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted running " + argv[0], e);
        }
    }

    /**
     * Alive and not a zombie: PID 1 on this machine reaps orphans only every few
     * seconds, so a killed orphan lingers as Z and must count as gone.
     */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    static boolean awaitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (!alive(pid)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Live processes whose command line contains {@code text}, this JVM excluded. */
    static List<Long> processesMentioning(String text) throws IOException {
        long self = ProcessHandle.current().pid();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(pid -> pid != self && alive(pid) && cmdline(pid).contains(text))
                    .toList();
        }
    }

    static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }

    /** Mount points at or below {@code dir} in this mount namespace, in mount order. */
    static List<String> mountsUnder(Path dir) throws IOException {
        String prefix = dir.toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[4])
                .filter(m -> m.equals(prefix) || m.startsWith(prefix + "/")).toList();
    }

    /** The process's start time in clock ticks since boot (field 22 of /proc/PID/stat): a restarted shim differs. */
    static long startTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[19]);
    }
}
