package io.berth.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.cni.exec.CniPluginInvoker;
import io.berth.cni.exec.PluginCall;
import io.berth.cni.exec.PluginOutput;
import io.berth.cni.spec.CniCommand;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CniCallMetricsTest {

    private final PrometheusRegistry registry = new PrometheusRegistry();

    @Test
    void timesEachRunByPluginCommandAndOutcome() throws IOException {
        CniCallMetrics timed = new CniCallMetrics(new Scripted(), registry);
        timed.invoke(call("bridge", CniCommand.ADD));
        timed.invoke(call("bridge", CniCommand.ADD));
        timed.invoke(call("failing", CniCommand.DEL));
        assertThrows(IOException.class, () -> timed.invoke(call("broken", CniCommand.ADD)));
        assertEquals(2, count("bridge", "ADD", "ok"));
        assertEquals(1, count("failing", "DEL", "error"));
        assertEquals(1, count("broken", "ADD", "failed"), "a plugin that could not run is counted too");
        assertEquals(Optional.of(Path.of("/bin/bridge")), timed.locate("bridge"), "lookups pass through");
    }

    private long count(String plugin, String command, String outcome) {
        HistogramSnapshot h = (HistogramSnapshot) registry.scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("berth_cni_plugin_duration_seconds"))
                .findFirst().orElseThrow();
        return h.getDataPoints().stream().filter(d -> d.getLabels().get("plugin").equals(plugin)
                && d.getLabels().get("command").equals(command) && d.getLabels().get("outcome").equals(outcome))
                .mapToLong(HistogramSnapshot.HistogramDataPointSnapshot::getCount).sum();
    }

    private static PluginCall call(String type, CniCommand command) {
        return new PluginCall(type, command, Map.of(), new byte[0], Duration.ofSeconds(1));
    }

    /** bridge succeeds, failing exits 1, broken cannot be run at all. */
    private static final class Scripted implements CniPluginInvoker {
        @Override
        public Optional<Path> locate(String type) {
            return Optional.of(Path.of("/bin", type));
        }

        @Override
        public PluginOutput invoke(PluginCall call) throws IOException {
            return switch (call.type()) {
                case "bridge" -> new PluginOutput(0, new byte[0], new byte[0]);
                case "failing" -> new PluginOutput(1, new byte[0], new byte[0]);
                default -> throw new IOException("cannot exec " + call.type());
            };
        }
    }
}
