package io.berth.runtime.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShimConfigTest {

    private static final Path LOG = Path.of("/var/log/pods/p/c/0.log");
    private static final Path EXIT = Path.of("/run/berth/exits/c1");
    private static final Path SOCK = Path.of("/run/berth/s/c1.sock");

    @Test
    void containerArguments() {
        ShimConfig c = ShimConfig.container("c1", Path.of("/b"), LOG, EXIT, SOCK)
                .withRuntime("/usr/bin/crun", List.of("--root=/run/crun"))
                .withStdio(new ShimConfig.Stdio(true, true, true));
        assertEquals(List.of("--id", "c1", "--runtime", "/usr/bin/crun", "--log", LOG.toString(),
                "--exit-file", EXIT.toString(), "--socket", SOCK.toString(), "--startup-timeout", "60",
                "--bundle", "/b", "--runtime-arg=--root=/run/crun", "--terminal", "--stdin", "--stdin-once"),
                c.toArgs());
    }

    @Test
    void execTimeoutIsRoundedUpToSeconds() {
        List<String> args = ShimConfig.exec("c1", Path.of("/p.json"), LOG, EXIT, SOCK)
                .withTimeouts(Duration.ofMillis(1500), Duration.ofSeconds(5)).toArgs();
        String joined = String.join(" ", args);
        assertTrue(joined.contains("--exec /p.json"), joined);
        assertTrue(joined.contains("--timeout 2"), joined);
        assertTrue(joined.contains("--startup-timeout 5"), joined);
        assertTrue(joined.contains("--runtime runc"), "runc is the default runtime");
    }

    @Test
    void bundleXorExec() {
        assertThrows(IllegalArgumentException.class,
                () -> new ShimConfig("c1", null, null, null, null, LOG, EXIT, SOCK, null, false, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new ShimConfig("c1", Path.of("/b"), Path.of("/p"), null, null, LOG, EXIT, SOCK, null, false, null, null));
    }
}
