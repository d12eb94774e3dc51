package io.berth.cni;

import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link MasqueradeRules} with the host's iptables and ip6tables, the tools the plugins themselves run. */
public final class IptablesMasqueradeRules implements MasqueradeRules {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Chains the plugins make per attachment; anything else (e.g. CNI-HOSTPORT-*) is shared and stays. */
    private static final String POD_CHAIN_PREFIX = "CNI-";

    private final CommandRunner runner;

    public IptablesMasqueradeRules(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public void removeLeftovers(String network, String containerId, boolean ipv6) throws IOException {
        sweep("iptables", network, containerId);
        if (ipv6) {
            sweep("ip6tables", network, containerId);
        }
    }

    private void sweep(String tool, String network, String containerId) throws IOException {
        String comment = "name: \"" + network + "\" id: \"" + containerId + "\"";
        for (String line : run(tool, "-w", "-t", "nat", "-S", "POSTROUTING").stdoutText().lines().toList()) {
            List<String> words = IptablesWords.split(line);
            int c = words.indexOf("--comment");
            if (!line.startsWith("-A POSTROUTING ") || c < 0 || c + 1 >= words.size()
                    || !words.get(c + 1).equals(comment)) {
                continue;
            }
            List<String> delete = new ArrayList<>(List.of(tool, "-w", "-t", "nat", "-D"));
            delete.addAll(words.subList(1, words.size()));
            run(delete.toArray(String[]::new));
            int j = words.indexOf("-j");
            String chain = j >= 0 && j + 1 < words.size() ? words.get(j + 1) : "";
            if (chain.startsWith(POD_CHAIN_PREFIX) && !chain.startsWith("CNI-HOSTPORT")) {
                run(tool, "-w", "-t", "nat", "-F", chain);
                run(tool, "-w", "-t", "nat", "-X", chain);
            }
        }
    }

    private CommandResult run(String... argv) throws IOException {
        CommandResult r = runner.run(Command.of(TIMEOUT, argv));
        if (!r.ok()) {
            throw new IOException(String.join(" ", argv) + " failed (exit " + r.exitCode() + "): "
                    + r.stderrText().strip());
        }
        return r;
    }
}
