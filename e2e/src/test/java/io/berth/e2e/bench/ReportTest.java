package io.berth.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static RuntimeResult run(String label, double createMs) {
        RuntimeResult r = new RuntimeResult(label, "v");
        r.samples("CreateContainer").add((long) (createMs * 1_000_000));
        return r;
    }

    private static String row(String table, String label) {
        return table.lines().filter(l -> l.startsWith("CreateContainer") && l.contains(" " + label + " "))
                .findFirst().orElseThrow();
    }

    @Test
    void aRepeatedRuntimeIsComparedWithBerthdOfTheSameRound() {
        List<RuntimeResult> results = List.of(run("berthd", 3), run("containerd-1.6", 6),
                run("berthd#2", 5), run("containerd-1.6#2", 8));

        String table = Report.table(results, Map.of());

        assertTrue(row(table, "containerd-1.6").endsWith("0.50"), table);
        assertTrue(row(table, "containerd-1.6#2").endsWith("0.63"), table);
        assertFalse(row(table, "berthd#2").endsWith("1.67"), table);
    }

    @Test
    void aRoundBerthdDidNotRunIsComparedWithItsFirst() {
        List<RuntimeResult> results = List.of(run("berthd", 4), run("containerd-1.6", 8), run("containerd-1.6#2", 5));

        String table = Report.table(results, Map.of());
        assertTrue(row(table, "containerd-1.6#2").endsWith("0.80"), table);
    }

    @Test
    void labelsSplitIntoNameAndRound() {
        assertEquals("containerd-2.1", Report.baseName("containerd-2.1#3"));
        assertEquals(3, Report.round("containerd-2.1#3"));
        assertEquals(1, Report.round("berthd"));
    }
}
