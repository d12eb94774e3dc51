package io.berth.runtime.sandbox;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.DNSConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the files a pod's containers mount: resolv.conf (from the kubelet's
 * DNSConfig), hostname and hosts. The container side bind-mounts them; they
 * live under the sandbox's directory in berth's root.
 *
 * @param hostResolvConf copied when the kubelet sends no DNS settings at all
 * @param hostHosts      copied for host-network pods, which see the node's names
 */
public record PodFiles(Path hostResolvConf, Path hostHosts) {

    public static PodFiles system() {
        return new PodFiles(Path.of("/etc/resolv.conf"), Path.of("/etc/hosts"));
    }

    /** What to write. */
    public record Content(DNSConfig dns, String hostname, String podIp, boolean hostNetwork) {
    }

    /** Checks the DNS settings before anything is created: one entry, one line. */
    public static void validate(DNSConfig dns) {
        checkEntries("DNS server", dns.getServersList());
        checkEntries("DNS search domain", dns.getSearchesList());
        checkEntries("DNS option", dns.getOptionsList());
    }

    /**
     * Plain writes, no fsync: no container sees the files before the pod is
     * READY, and after a crash of the kernel the pod is NOTREADY anyway.
     */
    public void write(Path dir, Content c) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("resolv.conf"), resolvConf(c.dns()));
        Files.writeString(dir.resolve("hostname"), c.hostname() + "\n");
        Files.writeString(dir.resolve("hosts"), hosts(c));
    }

    String resolvConf(DNSConfig dns) throws IOException {
        if (dns.getServersCount() == 0 && dns.getSearchesCount() == 0 && dns.getOptionsCount() == 0) {
            return Files.exists(hostResolvConf) ? Files.readString(hostResolvConf) : "";
        }
        StringBuilder sb = new StringBuilder();
        if (dns.getSearchesCount() > 0) {
            sb.append("search ").append(String.join(" ", dns.getSearchesList())).append('\n');
        }
        for (String s : dns.getServersList()) {
            sb.append("nameserver ").append(s).append('\n');
        }
        if (dns.getOptionsCount() > 0) {
            sb.append("options ").append(String.join(" ", dns.getOptionsList())).append('\n');
        }
        return sb.toString();
    }

    String hosts(Content c) throws IOException {
        if (c.hostNetwork() && Files.exists(hostHosts)) {
            return Files.readString(hostHosts);
        }
        StringBuilder sb = new StringBuilder()
                .append("127.0.0.1\tlocalhost\n")
                .append("::1\tlocalhost ip6-localhost ip6-loopback\n")
                .append("fe00::0\tip6-localnet\n")
                .append("fe00::0\tip6-mcastprefix\n")
                .append("fe00::1\tip6-allnodes\n")
                .append("fe00::2\tip6-allrouters\n");
        if (c.podIp() != null && !c.podIp().isEmpty()) {
            sb.append(c.podIp()).append('\t').append(c.hostname()).append('\n');
        }
        return sb.toString();
    }

    private static void checkEntries(String what, List<String> entries) {
        for (String e : entries) {
            if (e.isBlank() || e.chars().anyMatch(ch -> ch == '\n' || ch == '\r' || ch == 0)
                    || (!what.equals("DNS option") && e.chars().anyMatch(Character::isWhitespace))) {
                throw new InvalidArgumentException(what + " \"" + e + "\" is not a single word on one line");
            }
        }
    }
}
