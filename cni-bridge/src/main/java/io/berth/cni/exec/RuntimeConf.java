package io.berth.cni.exec;

import io.berth.common.error.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Per-attachment parameters of ADD/CHECK/DEL.
 *
 * @param containerId    CNI_CONTAINERID (the sandbox id)
 * @param netns          CNI_NETNS, a path; empty on a DEL whose netns is gone
 * @param ifName         CNI_IFNAME
 * @param args           CNI_ARGS pairs, in order
 * @param capabilityArgs runtimeConfig values by capability name; each plugin
 *                       gets only those it declares in "capabilities"
 */
public record RuntimeConf(String containerId, String netns, String ifName, List<Map.Entry<String, String>> args,
                          Map<String, Object> capabilityArgs) {

    // Spec, "Parameters": container id and interface name rules.
    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    public RuntimeConf {
        if (containerId == null || !CONTAINER_ID.matcher(containerId).matches()) {
            throw new InvalidArgumentException("invalid CNI container id: " + containerId);
        }
        if (ifName == null || ifName.isEmpty() || ifName.length() > 15 || ifName.equals(".")
                || ifName.equals("..") || ifName.matches(".*[/:\\s].*")) {
            throw new InvalidArgumentException("invalid CNI interface name: " + ifName);
        }
        netns = netns == null ? "" : netns;
        args = List.copyOf(args);
        capabilityArgs = Map.copyOf(capabilityArgs);
    }

    /** CNI_ARGS: "K=V;K=V" (spec, "Parameters"). */
    public String cniArgs() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : args) {
            if (!sb.isEmpty()) {
                sb.append(';');
            }
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }
}
