package io.berth.runtime.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ShimExitTest {

    @Test
    void parsesWhatTheShimWrites() throws IOException {
        String json = "{\"exit_code\":137,\"signal\":9,\"oom_killed\":true,\"timed_out\":false,"
                + "\"finished_at\":\"2026-11-28T05:57:46.807338328Z\",\"finished_at_unix_nano\":1795845466807338328}\n";
        ShimExit e = ShimExit.parse(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(137, e.exitCode());
        assertEquals(9, e.signal());
        assertTrue(e.oomKilled());
        assertEquals(Instant.parse("2026-11-28T05:57:46.807338328Z"), e.finishedAt());
        assertEquals("OOMKilled", e.reason());
    }

    @Test
    void reasons() {
        assertEquals("Completed", new ShimExit(0, 0, false, false, Instant.EPOCH).reason());
        assertEquals("Error", new ShimExit(2, 0, false, false, Instant.EPOCH).reason());
    }

    @Test
    void rejectsOtherJson() {
        assertThrows(IOException.class, () -> ShimExit.parse("{\"type\":\"started\"}".getBytes(StandardCharsets.UTF_8)));
    }
}
