package io.berth.runtime.container.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.error.FailedPreconditionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an OCI image config ({@code config} object of the image config
 * blob, image-spec config.md) that shape a container's process.
 *
 * @param stopSignal as the image wrote it ("SIGQUIT", "3"), "" when unset
 */
public record ImageConfigView(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                              String user, String stopSignal, Map<String, String> labels) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final ImageConfigView EMPTY = new ImageConfigView(List.of(), List.of(), List.of(), "", "", "",
            Map.of());

    public ImageConfigView {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        labels = Map.copyOf(labels);
    }

    public static ImageConfigView parse(String imageId, byte[] blob) {
        JsonNode c;
        try {
            c = JSON.readTree(blob).path("config");
        } catch (IOException e) {
            throw new FailedPreconditionException("config of image " + imageId + " is not valid JSON: "
                    + e.getMessage());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        c.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new ImageConfigView(strings(c.path("Entrypoint")), strings(c.path("Cmd")), strings(c.path("Env")),
                c.path("WorkingDir").asText(""), c.path("User").asText(""), c.path("StopSignal").asText(""),
                labels);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }
}
