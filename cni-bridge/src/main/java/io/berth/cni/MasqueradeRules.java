package io.berth.cni;

import java.io.IOException;

/**
 * Removes the NAT rules that a plugin's {@code ipMasq} made for one
 * attachment, found by the comment the reference plugins put on them
 * ({@code name: "<network>" id: "<container id>"}). Needed because the bridge
 * plugin (Debian's 1.1.1) learns which addresses to stop masquerading from the
 * pod's eth0: once the netns is gone (a reboot, a pin removed by hand, a DEL
 * retried after the netns went) its DEL succeeds and leaves the POSTROUTING
 * jump and the per-pod chain behind for good. An OS boundary (STYLE.md rule 7):
 * the real one runs iptables, unit tests record the calls.
 */
public interface MasqueradeRules {

    /**
     * Deletes every POSTROUTING rule of the nat table that carries this
     * attachment's comment, and the chain each one jumps to. Nothing to delete is fine.
     *
     * @param ipv6 also look in ip6tables (the attachment had an IPv6 address)
     */
    void removeLeftovers(String network, String containerId, boolean ipv6) throws IOException;

    /** For networks where nothing can leak, and for tests. */
    static MasqueradeRules none() {
        return (network, containerId, ipv6) -> { };
    }
}
