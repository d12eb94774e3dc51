package io.berth.cni.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cni.spec.CniJson;
import io.berth.cni.spec.CniVersions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A parsed network configuration list (spec "Network configuration lists").
 * A single-plugin {@code .conf} is wrapped into a list of one. The original
 * JSON is kept so that it can be stored with a cached result and replayed on
 * DEL after the file changed or disappeared.
 *
 * @param cniVersion the version Berth uses with every plugin of the list:
 *                   "cniVersion", or the highest supported of "cniVersions" (1.1.0)
 */
public record NetworkConfigList(String name, String cniVersion, boolean disableCheck, boolean disableGC,
                                List<ObjectNode> plugins, String json, Path source) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    public NetworkConfigList {
        plugins = plugins.stream().map(ObjectNode::deepCopy).toList();
    }

    /** Plugin configs, copied: callers inject fields into their copy. */
    @Override
    public List<ObjectNode> plugins() {
        return plugins.stream().map(ObjectNode::deepCopy).toList();
    }

    /** Plugin types in chain order (the "type" field of each). */
    public List<String> pluginTypes() {
        return plugins.stream().map(p -> p.path("type").asText()).toList();
    }

    public static NetworkConfigList parse(byte[] content, Path source) {
        JsonNode root;
        try {
            root = CniJson.read(content);
        } catch (IOException e) {
            throw new InvalidNetworkConfigException(source, "not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidNetworkConfigException(source, "not a JSON object");
        }
        ObjectNode obj = (ObjectNode) root;
        boolean isList = obj.has("plugins") || source.toString().endsWith(".conflist");
        if (!isList) {
            obj = wrap(obj);
        }
        return fromList(obj, source, new String(content, StandardCharsets.UTF_8));
    }

    /** A lone plugin config becomes a list of one; name and version move up. */
    private static ObjectNode wrap(ObjectNode plugin) {
        ObjectNode list = CniJson.object();
        list.set("cniVersion", plugin.get("cniVersion"));
        list.set("name", plugin.get("name"));
        list.putArray("plugins").add(plugin.deepCopy());
        return list;
    }

    private static NetworkConfigList fromList(ObjectNode obj, Path source, String original) {
        String name = CniJson.text(obj, "name");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidNetworkConfigException(source, "missing or invalid network name: " + name);
        }
        JsonNode plugins = obj.get("plugins");
        if (!(plugins instanceof ArrayNode arr) || arr.isEmpty()) {
            throw new InvalidNetworkConfigException(source, "no plugins");
        }
        List<ObjectNode> list = new ArrayList<>();
        for (JsonNode p : arr) {
            if (!p.isObject() || CniJson.text(p, "type") == null || p.get("type").asText().isBlank()) {
                throw new InvalidNetworkConfigException(source, "a plugin without a type");
            }
            list.add((ObjectNode) p);
        }
        return new NetworkConfigList(name, version(obj, source), flag(obj, "disableCheck"),
                flag(obj, "disableGC"), list, original, source);
    }

    private static String version(ObjectNode obj, Path source) {
        List<String> candidates = new ArrayList<>(CniJson.strings(obj, "cniVersions"));
        String single = CniJson.text(obj, "cniVersion");
        if (single != null) {
            candidates.add(single);
        }
        if (candidates.isEmpty()) {
            throw new InvalidNetworkConfigException(source, "no cniVersion");
        }
        return CniVersions.highestSupported(candidates).orElseThrow(() -> new InvalidNetworkConfigException(
                source, "no supported cniVersion in " + candidates + " (supported: " + CniVersions.SUPPORTED + ")"));
    }

    /** The spec says "true"/"false" strings; configs in the wild also use booleans. */
    private static boolean flag(ObjectNode obj, String field) {
        JsonNode v = obj.get(field);
        return v != null && (v.isBoolean() ? v.booleanValue() : "true".equalsIgnoreCase(v.asText()));
    }
}
