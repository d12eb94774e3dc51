package io.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemTrustTest {

    @Test
    void loadsTheSystemBundle() throws Exception {
        // ca-certificates is in dev/packages.txt, so the Debian bundle is there.
        Path bundle = SystemTrust.systemBundle().orElseThrow();
        assertEquals(SystemTrust.BUNDLES.getFirst(), bundle);
        assertEquals("TLS", SystemTrust.fromBundle(bundle).getProtocol());
    }

    @Test
    void refusesABundleWithoutCertificates(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "no certificates here\n");
        IOException e = assertThrows(IOException.class, () -> SystemTrust.fromBundle(empty));
        assertTrue(e.getMessage().contains("empty.pem"), e.getMessage());
    }
}
