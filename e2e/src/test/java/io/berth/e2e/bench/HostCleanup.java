package io.berth.e2e.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Host-side leftovers of a run: mounts under a directory, cgroups under the
 * benchmark's parent, bridges and iptables rules named after the benchmark's
 * networks. Each helper removes only what carries the benchmark's names.
 */
final class HostCleanup {

    private HostCleanup() {
    }

    /** Runs a command, returns its output (stdout and stderr); never throws for a non-zero exit. */
    static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    /** Mount points at or below {@code dir}, deepest first. */
    static List<String> mountsUnder(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath().toString();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String point = line.split(" ")[4].replace("\\040", " ");
            if (point.equals(prefix) || point.startsWith(prefix + "/")) {
                out.add(point);
            }
        }
        out.sort(Comparator.comparingInt(String::length).reversed());
        return out;
    }

    /** Unmounts everything under {@code dir}; returns what it had to unmount. */
    static List<String> unmountUnder(Path dir) throws IOException {
        List<String> done = new ArrayList<>();
        for (String m : mountsUnder(dir)) {
            String out = run("umount", m);
            if (!out.isBlank()) {
                run("umount", "-l", m);
            }
            done.add("unmounted leftover " + m);
        }
        return done;
    }

    /** Removes the cgroup {@code parent} (e.g. /berthbench-x) and everything below it in every v1 hierarchy. */
    static List<String> removeCgroups(String parent) throws IOException {
        List<String> left = new ArrayList<>();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path top = h.resolve(parent.substring(1));
                if (!Files.isDirectory(top)) {
                    continue;
                }
                List<Path> dirs;
                try (Stream<Path> walk = Files.walk(top)) {
                    dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
                }
                for (Path d : dirs) {
                    try {
                        Files.delete(d);
                    } catch (IOException busy) {
                        left.add(d + " (" + busy.getMessage() + ")");
                    }
                }
            }
        }
        return left;
    }

    /** Deletes a bridge the benchmark named, if it exists. */
    static boolean removeLink(String name) {
        if (!Files.exists(Path.of("/sys/class/net", name))) {
            return false;
        }
        run("ip", "link", "del", name);
        return true;
    }

    /** iptables rules, as "table: -A ...", that mention {@code needle}. */
    static List<String> iptablesRulesWith(String needle) {
        List<String> out = new ArrayList<>();
        String table = "";
        for (String line : run("iptables-save").split("\n")) {
            if (line.startsWith("*")) {
                table = line.substring(1);
            } else if (line.startsWith("-A") && line.contains(needle)) {
                out.add(table + ": " + line);
            }
        }
        return out;
    }

    /**
     * Deletes the rules that mention {@code needle} (e.g. a CNI network name in
     * the bridge plugin's masquerade comment) and the chains they jump to.
     */
    static List<String> removeIptablesRulesWith(String needle) {
        List<String> removed = new ArrayList<>();
        for (String rule : iptablesRulesWith(needle)) {
            int colon = rule.indexOf(": ");
            String table = rule.substring(0, colon);
            String spec = rule.substring(colon + 2).replaceFirst("^-A ", "-D ");
            // iptables-save quotes the way a shell does, so a shell splits it back.
            run("sh", "-c", "iptables -w -t " + table + " " + spec);
            String[] words = spec.split(" ");
            for (int i = 0; i + 1 < words.length; i++) {
                if (words[i].equals("-j") && words[i + 1].startsWith("CNI-")) {
                    run("iptables", "-w", "-t", table, "-F", words[i + 1]);
                    run("iptables", "-w", "-t", table, "-X", words[i + 1]);
                }
            }
            removed.add(rule);
        }
        return removed;
    }

    /** Net namespaces currently pinned under /run/netns. */
    static List<String> netns() {
        try (Stream<Path> s = Files.list(Path.of("/run/netns"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException none) {
            return List.of();
        }
    }

    static long sizeOf(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
