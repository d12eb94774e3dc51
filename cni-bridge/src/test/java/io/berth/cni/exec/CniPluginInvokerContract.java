package io.berth.cni.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cni.spec.CniCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@link CniPluginInvoker} contract, run against every implementation
 * (STYLE.md rule 8). An implementation provides an invoker on which plugin
 * "ok" answers VERSION and "failing" exits 3 with an error object.
 */
abstract class CniPluginInvokerContract {

    /** "ok" prints {"cniVersion":"1.0.0","supportedVersions":["1.0.0"]}; "failing" exits 3 printing {"code":7,"msg":"no"}. */
    abstract CniPluginInvoker invoker() throws Exception;

    static PluginCall call(String type) {
        return new PluginCall(type, CniCommand.VERSION, Map.of("CNI_COMMAND", "VERSION"),
                "{\"cniVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
    }

    @Test
    void locatesInstalledPluginsOnly() throws Exception {
        assertTrue(invoker().locate("ok").isPresent());
        assertTrue(invoker().locate("absent").isEmpty());
    }

    @Test
    void returnsStdoutOfASuccessfulRun() throws Exception {
        PluginOutput out = invoker().invoke(call("ok"));
        assertEquals(0, out.exitCode());
        assertTrue(new String(out.stdout(), StandardCharsets.UTF_8).contains("\"supportedVersions\""));
    }

    @Test
    void aNonZeroExitIsReturnedNotThrown() throws Exception {
        PluginOutput out = invoker().invoke(call("failing"));
        assertEquals(3, out.exitCode());
        assertTrue(new String(out.stdout(), StandardCharsets.UTF_8).contains("\"code\":7"));
    }

    @Test
    void aMissingPluginIsPluginNotFound() throws Exception {
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class, () -> invoker().invoke(call("absent")));
        assertEquals("absent", e.type());
    }
}
