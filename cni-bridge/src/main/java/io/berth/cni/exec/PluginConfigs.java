package io.berth.cni.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cni.config.NetworkConfigList;
import io.berth.cni.spec.CniJson;
import io.berth.cni.spec.CniResult;
import java.util.Map;

/**
 * Builds the JSON each plugin of a list gets on stdin (spec "Network
 * configuration lists" and CONVENTIONS "runtimeConfig").
 */
final class PluginConfigs {

    private PluginConfigs() {
    }

    /**
     * The plugin's own config with the list's name and cniVersion forced in,
     * runtimeConfig holding only the capabilities the plugin declares as true
     * and the runtime has a value for, and prevResult when given.
     */
    static ObjectNode forAttachment(NetworkConfigList list, ObjectNode plugin, RuntimeConf rt,
                                    CniResult prevResult) {
        ObjectNode conf = base(list, plugin);
        ObjectNode runtimeConfig = runtimeConfig(plugin, rt.capabilityArgs());
        if (!runtimeConfig.isEmpty()) {
            conf.set("runtimeConfig", runtimeConfig);
        } else {
            conf.remove("runtimeConfig");
        }
        if (prevResult != null) {
            conf.set("prevResult", CniJson.read(prevResult.rawJson()));
        } else {
            conf.remove("prevResult");
        }
        return conf;
    }

    static ObjectNode base(NetworkConfigList list, ObjectNode plugin) {
        ObjectNode conf = plugin.deepCopy();
        conf.put("name", list.name());
        conf.put("cniVersion", list.cniVersion());
        return conf;
    }

    private static ObjectNode runtimeConfig(ObjectNode plugin, Map<String, Object> capabilityArgs) {
        ObjectNode out = CniJson.object();
        JsonNode caps = plugin.get("capabilities");
        if (caps == null || !caps.isObject()) {
            return out;
        }
        caps.properties().forEach(e -> {
            Object value = capabilityArgs.get(e.getKey());
            if (e.getValue().asBoolean(false) && value != null) {
                out.set(e.getKey(), CniJson.MAPPER.valueToTree(value));
            }
        });
        return out;
    }
}
