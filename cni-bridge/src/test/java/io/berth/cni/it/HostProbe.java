package io.berth.cni.it;

import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Reads host state the tests assert on: links, iptables, leases. */
final class HostProbe {

    private HostProbe() {
    }

    static CommandResult run(String... argv) {
        try {
            return CommandRunner.system().run(Command.of(Duration.ofSeconds(30), argv));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String runOk(String... argv) {
        CommandResult r = run(argv);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + r.stderrText());
        }
        return r.stdoutText();
    }

    /** Interfaces enslaved to the bridge (the host ends of pod veths). */
    static List<String> portsOf(String bridge) {
        CommandResult r = run("ip", "-o", "link", "show", "master", bridge);
        if (!r.ok()) {
            return List.of(); // no bridge at all: no ports either
        }
        return r.stdoutText().lines().filter(l -> !l.isBlank()).toList();
    }

    static boolean linkExists(String name) {
        return run("ip", "link", "show", name).ok();
    }

    static String iptablesSave() {
        return runOk("iptables-save", "-t", "nat") + runOk("iptables-save", "-t", "filter");
    }

    /** iptables lines that mention a container id (the plugins put it in rule comments). */
    static List<String> rulesMentioning(String containerId) {
        return iptablesSave().lines().filter(l -> l.contains(containerId)).toList();
    }

    /** Chains that a rule mentioning the id jumps to or lives in: these must go on DEL. */
    static Set<String> chainsOf(String containerId) {
        Set<String> chains = new TreeSet<>();
        for (String l : rulesMentioning(containerId)) {
            List<String> w = Arrays.asList(l.split("\\s+"));
            int a = w.indexOf("-A");
            if (a >= 0 && w.get(a + 1).startsWith("CNI-") && !w.get(a + 1).startsWith("CNI-HOSTPORT")) {
                chains.add(w.get(a + 1));
            }
            int j = w.indexOf("-j");
            if (j >= 0 && w.get(j + 1).startsWith("CNI-") && !w.get(j + 1).startsWith("CNI-HOSTPORT")) {
                chains.add(w.get(j + 1));
            }
        }
        return chains;
    }

    static boolean anyChainExists(Set<String> chains) {
        String save = iptablesSave();
        return chains.stream().anyMatch(c -> save.contains(":" + c + " ") || save.contains("-A " + c + " "));
    }

    /**
     * Safety net for a test that failed half-way: deletes every iptables rule
     * whose text names {@code marker} (the plugins put the network name in
     * their comments), then the per-pod chains those rules lived in or jumped to.
     */
    static void sweepRules(String marker) {
        for (String table : List.of("nat", "filter")) {
            Set<String> chains = new TreeSet<>();
            for (String line : runOk("iptables-save", "-t", table).lines().toList()) {
                if (!line.startsWith("-A ") || !line.contains(marker)) {
                    continue;
                }
                List<String> words = words(line);
                for (int i = 0; i + 1 < words.size(); i++) {
                    String w = words.get(i + 1);
                    if ((words.get(i).equals("-A") || words.get(i).equals("-j")) && w.startsWith("CNI-")
                            && !w.startsWith("CNI-HOSTPORT")) {
                        chains.add(w);
                    }
                }
                List<String> argv = new java.util.ArrayList<>(List.of("iptables", "-t", table, "-D"));
                argv.addAll(words.subList(1, words.size()));
                run(argv.toArray(String[]::new));
            }
            for (String c : chains) {
                run("iptables", "-t", table, "-F", c);
                run("iptables", "-t", table, "-X", c);
            }
        }
    }

    /** Splits an iptables-save line into words; "..." with \" escapes is one word. */
    static List<String> words(String line) {
        return io.berth.cni.IptablesWords.split(line);
    }

    /** host-local leases: files named after addresses in the network's data dir. */
    static List<String> leases(Path ipamDataDir, String network) {
        Path dir = ipamDataDir.resolve(network);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9.]+|.*:.*")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
