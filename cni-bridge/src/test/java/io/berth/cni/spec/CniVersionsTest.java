package io.berth.cni.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CniVersionsTest {

    @Test
    void comparesNumerically() {
        assertTrue(CniVersions.compare("0.10.0", "0.4.0") > 0);
        assertEquals(0, CniVersions.compare("1.0", "1.0.0"));
        assertTrue(CniVersions.atLeast("1.1.0", "1.1.0"));
        assertEquals(Optional.of("1.1.0"), CniVersions.highestSupported(List.of("0.4.0", "1.1.0", "9.0.0")));
        assertEquals(Optional.empty(), CniVersions.highestSupported(List.of("2.0.0")));
    }
}
