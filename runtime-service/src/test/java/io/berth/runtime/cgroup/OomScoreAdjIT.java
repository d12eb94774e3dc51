package io.berth.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The oom_score_adj probe against this machine's kernel, where root lacks CAP_SYS_RESOURCE. */
class OomScoreAdjIT {

    @Test
    void probeAgreesWithTheKernel() throws Exception {
        OomScoreAdj oom = OomScoreAdj.probe();
        boolean capability = OomScoreAdj.hasCapability(Files.readString(Path.of("/proc/self/status")),
                OomScoreAdj.CAP_SYS_RESOURCE);
        assertEquals(capability, oom.canLower(), "the write probe and CapEff tell the same story");

        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            Path adj = Path.of("/proc/" + child.pid() + "/oom_score_adj");
            int allowed = oom.clamp(-997);
            Files.writeString(adj, Integer.toString(allowed));
            assertEquals(Integer.toString(allowed), Files.readString(adj).strip(), "the clamped value is accepted");
            if (!oom.canLower()) {
                int ours = Integer.parseInt(Files.readString(Path.of("/proc/self/oom_score_adj")).strip());
                assertEquals(ours, oom.floor());
                assertThrows(IOException.class, () -> Files.writeString(adj, Integer.toString(oom.floor() - 1)),
                        "below the floor the kernel refuses");
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
