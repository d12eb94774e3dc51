package io.berth.runtime.container.rpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * ContainerStatus's verbose "info" entry: one JSON object, as crictl inspect
 * shows it (containerd uses the same key and shape: pid, sandboxID, runtimeSpec).
 */
final class VerboseInfo {

    private static final ObjectMapper JSON = new ObjectMapper();

    private VerboseInfo() {
    }

    static Map<String, String> of(Container c, ContainerLayout layout) {
        ObjectNode info = JSON.createObjectNode();
        info.put("sandboxID", c.sandboxId());
        info.put("pid", c.process() == null ? 0 : c.process().pid());
        info.put("shimPid", c.process() == null ? 0 : c.process().shimPid());
        info.put("runtimeHandler", c.runtimeHandler());
        info.put("stopSignal", c.stopSignal());
        info.put("bundle", layout.bundle(c.id()).toString());
        info.put("imageChainId", c.image().chainId());
        try {
            info.set("runtimeSpec", JSON.readTree(Files.readAllBytes(layout.configJson(c.id()))));
        } catch (IOException e) {
            info.put("runtimeSpec", "unreadable: " + e.getMessage());
        }
        return Map.of("info", info.toString());
    }
}
