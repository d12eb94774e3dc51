package io.berth.cni.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads ADD results of every spec version: the 0.3.x/0.4.0 shape (ips carry
 * a "version"), the 1.x shape (no "version"; interfaces and routes gain mtu
 * and friends in 1.1.0), and the old 0.1/0.2 shape (ip4/ip6 objects).
 */
public final class ResultParser {

    private ResultParser() {
    }

    public static CniResult parse(byte[] json) throws IOException {
        JsonNode root = CniJson.read(json);
        if (root == null || !root.isObject()) {
            throw new IOException("CNI result is not a JSON object");
        }
        String raw = new String(json, StandardCharsets.UTF_8).strip();
        return parse(root, raw);
    }

    public static CniResult parse(JsonNode root, String raw) throws IOException {
        String version = CniJson.text(root, "cniVersion");
        if (version == null) {
            throw new IOException("CNI result has no cniVersion");
        }
        if (root.has("ip4") || root.has("ip6")) {
            return parseLegacy(root, version, raw);
        }
        List<CniInterface> interfaces = new ArrayList<>();
        for (JsonNode i : array(root, "interfaces")) {
            interfaces.add(new CniInterface(CniJson.text(i, "name"), CniJson.text(i, "mac"),
                    CniJson.integer(i, "mtu"), CniJson.text(i, "sandbox"),
                    CniJson.text(i, "socketPath"), CniJson.text(i, "pciID")));
        }
        List<CniIpConfig> ips = new ArrayList<>();
        for (JsonNode ip : array(root, "ips")) {
            ips.add(ip(ip, CniJson.text(ip, "address"), CniJson.integer(ip, "interface")));
        }
        return new CniResult(version, interfaces, ips, routes(root.get("routes")), dns(root.get("dns")), raw);
    }

    /** Spec 0.1.0/0.2.0: no interfaces, one ip4 and one ip6 block each with routes. */
    private static CniResult parseLegacy(JsonNode root, String version, String raw) throws IOException {
        List<CniIpConfig> ips = new ArrayList<>();
        List<CniRoute> routes = new ArrayList<>();
        for (String family : List.of("ip4", "ip6")) {
            JsonNode block = root.get(family);
            if (block != null && block.isObject()) {
                ips.add(ip(block, CniJson.text(block, "ip"), null));
                routes.addAll(routes(block.get("routes")));
            }
        }
        return new CniResult(version, List.of(), ips, routes, dns(root.get("dns")), raw);
    }

    private static CniIpConfig ip(JsonNode node, String address, Integer index) throws IOException {
        try {
            return new CniIpConfig(address, CniJson.text(node, "gateway"), index);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static List<CniRoute> routes(JsonNode node) {
        List<CniRoute> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            for (JsonNode r : node) {
                out.add(new CniRoute(CniJson.text(r, "dst"), CniJson.text(r, "gw"), CniJson.integer(r, "mtu"),
                        CniJson.integer(r, "advmss"), CniJson.integer(r, "priority"),
                        CniJson.integer(r, "table"), CniJson.text(r, "scope")));
            }
        }
        return out;
    }

    private static CniDns dns(JsonNode node) {
        if (node == null || !node.isObject()) {
            return CniDns.EMPTY;
        }
        return new CniDns(CniJson.strings(node, "nameservers"), CniJson.text(node, "domain"),
                CniJson.strings(node, "search"), CniJson.strings(node, "options"));
    }

    private static Iterable<JsonNode> array(JsonNode root, String field) {
        JsonNode v = root.get(field);
        return v != null && v.isArray() ? v : List.of();
    }
}
