package io.berth.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesMasqueradeRulesTest {

    private static final String ID = "ea4fe80d9d6cd8340aa09efacd535742fd0209982efe9b3a179958cf74c69687";
    private static final String OTHER = "0000000000000000000000000000000000000000000000000000000000000000";

    /** POSTROUTING as iptables -S prints it: ours, another pod's, the same id on another network, portmap's. */
    private static final String LISTING = """
            -P POSTROUTING ACCEPT
            -A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
            -A POSTROUTING -s 10.88.0.2/32 -m comment --comment "name: \\"berth\\" id: \\"%s\\"" -j CNI-554e677bd3a716e09de40288
            -A POSTROUTING -s 10.88.0.3/32 -m comment --comment "name: \\"berth\\" id: \\"%s\\"" -j CNI-aaaa
            -A POSTROUTING -s 10.77.0.2/32 -m comment --comment "name: \\"other\\" id: \\"%s\\"" -j CNI-bbbb
            """.formatted(ID, OTHER, ID);

    private final List<List<String>> calls = new ArrayList<>();
    private int failExit;

    private final CommandRunner runner = (Command c) -> {
        calls.add(c.argv());
        boolean listing = c.argv().contains("-S");
        int exit = !listing && failExit != 0 ? failExit : 0;
        return new CommandResult(exit, listing ? LISTING.getBytes(StandardCharsets.UTF_8) : new byte[0],
                exit == 0 ? new byte[0] : "iptables: Bad rule".getBytes(StandardCharsets.UTF_8));
    };

    @Test
    void deletesOnlyThisAttachmentsJumpAndItsChain() throws IOException {
        new IptablesMasqueradeRules(runner).removeLeftovers("berth", ID, false);
        String nat = "iptables -w -t nat ";
        assertEquals(List.of(nat + "-S POSTROUTING",
                nat + "-D POSTROUTING -s 10.88.0.2/32 -m comment --comment name: \"berth\" id: \"" + ID + "\""
                        + " -j CNI-554e677bd3a716e09de40288",
                nat + "-F CNI-554e677bd3a716e09de40288",
                nat + "-X CNI-554e677bd3a716e09de40288"),
                calls.stream().map(a -> String.join(" ", a)).toList());
    }

    @Test
    void ipv6AttachmentsAreSweptInIp6tablesToo() throws IOException {
        new IptablesMasqueradeRules(runner).removeLeftovers("berth", ID, true);
        assertEquals(8, calls.size());
        assertEquals("ip6tables", calls.get(4).getFirst());
    }

    @Test
    void aRefusedDeleteIsAnErrorNamingTheCommand() {
        failExit = 1;
        IOException e = assertThrows(IOException.class,
                () -> new IptablesMasqueradeRules(runner).removeLeftovers("berth", ID, false));
        assertTrue(e.getMessage().contains("-D POSTROUTING") && e.getMessage().contains("Bad rule"), e.getMessage());
    }

    @Test
    void wordsUndoTheQuotingOfIptablesSave() {
        assertEquals(List.of("-A", "X", "--comment", "name: \"n\" id: \"i\"", "-j", "Y"),
                IptablesWords.split("-A X --comment \"name: \\\"n\\\" id: \\\"i\\\"\" -j Y"));
    }
}
