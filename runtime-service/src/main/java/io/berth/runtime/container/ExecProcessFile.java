package io.berth.runtime.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.InternalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The OCI process.json of an exec: the container's own process settings (env,
 * user, cwd, capabilities, ...) with another command, so an exec'd process is
 * confined like the container's. Shared by ExecSync and the streaming exec.
 */
public final class ExecProcessFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecProcessFile() {
    }

    public static void write(String containerId, Path configJson, List<String> cmd, boolean terminal, Path target)
            throws IOException {
        JsonNode node = JSON.readTree(configJson.toFile()).get("process");
        if (!(node instanceof ObjectNode process)) {
            throw new InternalException("config.json of container " + containerId + " has no process");
        }
        process.put("terminal", terminal);
        // The client sends its size on the resize stream once the session runs.
        process.remove("consoleSize");
        ArrayNode args = process.putArray("args");
        cmd.forEach(args::add);
        if (terminal) {
            addTermIfMissing(process);
        }
        Files.write(target, JSON.writeValueAsBytes(process));
    }

    // A shell on a terminal without TERM falls back to a dumb one; kubectl exec -t expects a usable prompt.
    private static void addTermIfMissing(ObjectNode process) {
        JsonNode env = process.get("env");
        ArrayNode list = env instanceof ArrayNode a ? a : process.putArray("env");
        for (JsonNode e : list) {
            if (e.asText().startsWith("TERM=")) {
                return;
            }
        }
        list.add("TERM=xterm");
    }
}
