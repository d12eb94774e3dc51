package io.berth.cni.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The tests' safety net really removes rules shaped like the plugins' (real iptables, root). */
@Timeout(60)
class HostProbeIT {

    @Test
    void wordsKeepQuotedCommentsWhole() {
        assertEquals(List.of("-A", "POSTROUTING", "--comment", "name: \"n\" id: \"x\"", "-j", "CNI-1"),
                HostProbe.words("-A POSTROUTING --comment \"name: \\\"n\\\" id: \\\"x\\\"\" -j CNI-1"));
    }

    @Test
    void sweepRemovesRulesNamingTheNetworkAndTheirChains() {
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        String network = "berth-it-sweep" + tag;
        String chain = "CNI-berthsweep" + tag;
        String comment = "name: \"" + network + "\" id: \"abc\"";
        try {
            HostProbe.runOk("iptables", "-t", "nat", "-N", chain);
            HostProbe.runOk("iptables", "-t", "nat", "-A", chain, "-d", "10.244.250.0/24", "-m", "comment",
                    "--comment", comment, "-j", "ACCEPT");
            HostProbe.runOk("iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "10.244.250.2/32", "-m", "comment",
                    "--comment", comment, "-j", chain);
            assertTrue(HostProbe.iptablesSave().contains(network));

            HostProbe.sweepRules(network);

            String after = HostProbe.iptablesSave();
            assertFalse(after.contains(network), after);
            assertFalse(after.contains(chain), after);
        } finally {
            HostProbe.run("iptables", "-t", "nat", "-D", "POSTROUTING", "-s", "10.244.250.2/32", "-m", "comment",
                    "--comment", comment, "-j", chain);
            HostProbe.run("iptables", "-t", "nat", "-F", chain);
            HostProbe.run("iptables", "-t", "nat", "-X", chain);
        }
    }
}
