package io.berth.cni.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/** Turns a failed plugin run into a {@link CniPluginException}. */
public final class ErrorParser {

    private ErrorParser() {
    }

    /**
     * Reads the spec's error object {@code {cniVersion, code, msg, details}}
     * from stdout; a plugin that printed something else still yields an error
     * naming it, with its exit status and raw output.
     */
    public static CniPluginException parse(String plugin, CniCommand command, int exitCode,
                                           byte[] stdout, byte[] stderr) {
        String err = new String(stderr, StandardCharsets.UTF_8);
        String out = new String(stdout, StandardCharsets.UTF_8).strip();
        try {
            JsonNode node = CniJson.read(stdout);
            if (node != null && node.isObject() && node.has("code")) {
                String msg = CniJson.text(node, "msg");
                return new CniPluginException(plugin, command, node.get("code").asInt(),
                        msg == null ? "(no message)" : msg, CniJson.text(node, "details"), err);
            }
        } catch (java.io.IOException | RuntimeException notJson) {
            // Fall through: a crashing plugin prints a Go panic, not JSON.
        }
        String msg = "exit status " + exitCode + (out.isEmpty() ? "" : ", output: " + out);
        return new CniPluginException(plugin, command, CniPluginException.NO_ERROR_OBJECT, msg, null, err);
    }
}
