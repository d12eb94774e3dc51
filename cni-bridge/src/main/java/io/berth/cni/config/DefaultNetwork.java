package io.berth.cni.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cni.spec.CniJson;
import io.berth.common.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The embedded default network: a bridge with host-local IPAM and portmap,
 * written to conf_dir when it holds no config and default_network is on.
 */
public final class DefaultNetwork {

    public static final String FILE_NAME = "10-berth-bridge.conflist";
    public static final String NETWORK_NAME = "berth";
    public static final String BRIDGE = "berth0";
    public static final String SUBNET = "10.88.0.0/16";
    /** Debian's plugins (1.1.x) speak up to 1.0.0. */
    public static final String CNI_VERSION = "1.0.0";

    private DefaultNetwork() {
    }

    /** Writes the default list atomically; returns the file. */
    public static Path write(Path confDir) throws IOException {
        Path target = confDir.resolve(FILE_NAME);
        AtomicFiles.write(target, CniJson.bytes(conflist(NETWORK_NAME, BRIDGE, SUBNET, null)));
        return target;
    }

    /**
     * The bridge + portmap list. Tests use other names, subnets and a private
     * {@code ipamDataDir} (null: host-local's default) so they do not collide.
     */
    public static ObjectNode conflist(String name, String bridge, String subnet, Path ipamDataDir) {
        ObjectNode list = CniJson.object();
        list.put("cniVersion", CNI_VERSION);
        list.put("name", name);
        ObjectNode br = list.putArray("plugins").addObject();
        br.put("type", "bridge");
        br.put("bridge", bridge);
        br.put("isGateway", true);
        br.put("ipMasq", true);
        br.put("hairpinMode", true);
        ObjectNode ipam = br.putObject("ipam");
        ipam.put("type", "host-local");
        ipam.putArray("ranges").addArray().addObject().put("subnet", subnet);
        ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
        if (ipamDataDir != null) {
            ipam.put("dataDir", ipamDataDir.toString());
        }
        ObjectNode portmap = ((com.fasterxml.jackson.databind.node.ArrayNode) list.get("plugins")).addObject();
        portmap.put("type", "portmap");
        portmap.putObject("capabilities").put("portMappings", true);
        return list;
    }
}
