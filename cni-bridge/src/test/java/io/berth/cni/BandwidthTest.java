package io.berth.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BandwidthTest {

    @ParameterizedTest
    @CsvSource({"1000,1000", "10k,10000", "10M,10000000", "1.5G,1500000000", "1Ki,1024", "2Mi,2097152",
        "100m,1"})
    void parsesKubernetesQuantities(String q, long bits) {
        assertEquals(bits, Bandwidth.quantity("a", q));
    }

    @Test
    void rejectsNonsenseNamingTheAnnotation() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> Bandwidth.fromAnnotations(Map.of(Bandwidth.EGRESS_ANNOTATION, "fast")));
        assertTrue(e.getMessage().contains(Bandwidth.EGRESS_ANNOTATION));
        assertThrows(InvalidArgumentException.class, () -> Bandwidth.quantity("a", "-5M"));
    }

    @Test
    void absentAnnotationsMeanNoLimit() {
        assertNull(Bandwidth.fromAnnotations(Map.of("other", "1")));
        assertEquals(Map.of("egressRate", 5000L, "egressBurst", Bandwidth.UNLIMITED_BURST),
                Bandwidth.fromAnnotations(Map.of(Bandwidth.EGRESS_ANNOTATION, "5k")).capabilityValue());
    }
}
