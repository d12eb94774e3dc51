package io.berth.e2e.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the benchmark reads from /proc: command lines (to find the helpers a
 * daemon started), PSS, liveness. Processes are only ever signalled by pid.
 */
final class Procs {

    private static final Path PROC = Path.of("/proc");

    private Procs() {
    }

    /** A process's argv, or an empty list if it is gone. */
    static List<String> argv(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            List<String> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return out;
        } catch (IOException gone) {
            return List.of();
        }
    }

    /** Pids of live processes whose argv passes {@code match}. */
    static List<Long> find(Predicate<List<String>> match) {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                List<String> argv = argv(pid);
                if (!argv.isEmpty() && alive(pid) && match.test(argv)) {
                    out.add(pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return out;
    }

    /** True when argv[0]'s file name is {@code binary}. */
    static boolean isBinary(List<String> argv, String binary) {
        return !argv.isEmpty() && Path.of(argv.get(0)).getFileName().toString().equals(binary);
    }

    /** Proportional set size in kB from smaps_rollup; 0 if the process is gone. */
    static long pssKb(long pid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException gone) {
            // counted as nothing
        }
        return 0;
    }

    /**
     * Alive and not a zombie: PID 1 on this machine reaps orphans only every
     * few seconds, so a dead orphan lingers in state Z.
     */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(pid + "/stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    /** SIGTERM, wait up to {@code graceMs}, then SIGKILL and wait again. */
    static void terminate(long pid, long graceMs) throws InterruptedException {
        if (!alive(pid)) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        if (!awaitGone(pid, graceMs)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            awaitGone(pid, 10_000);
        }
    }

    static boolean awaitGone(long pid, long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        while (alive(pid)) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
