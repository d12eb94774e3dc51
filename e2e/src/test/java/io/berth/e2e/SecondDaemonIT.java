package io.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.VersionRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second berthd on a live socket must refuse to start and leave the first one alone. */
class SecondDaemonIT {

    @TempDir
    Path dir;

    @Test
    void secondDaemonRefusesNamingTheSocketAndThePid() throws Exception {
        try (BerthdProcess first = BerthdProcess.start(dir.resolve("first"));
                BerthdProcess second = BerthdProcess.launch(dir.resolve("second"), first.socket)) {
            assertTrue(second.process.waitFor(60, TimeUnit.SECONDS), "the second daemon must give up");
            assertEquals(1, second.process.exitValue(), second.logText());
            String refusal = second.logText();
            assertTrue(refusal.contains(first.socket.toString()), refusal);
            assertTrue(refusal.contains("pid " + first.process.pid()), refusal);

            assertTrue(Files.exists(first.socket), "the live socket is left in place");
            assertEquals("berth", first.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());
            assertEquals(0, first.terminate(Duration.ofSeconds(20)), first.logText());
        }
    }
}
