package io.berth.cni;

import io.berth.common.error.InvalidArgumentException;
import java.util.Locale;

/**
 * A pod port published on the host (CRI PortMapping). Only mappings with a
 * host port reach CNI (CONVENTIONS "portMappings").
 *
 * @param protocol tcp, udp or sctp
 * @param hostIp   empty for all host addresses
 */
public record PortMapping(int hostPort, int containerPort, String protocol, String hostIp) {

    public PortMapping {
        protocol = protocol == null || protocol.isEmpty() ? "tcp" : protocol.toLowerCase(Locale.ROOT);
        hostIp = hostIp == null ? "" : hostIp;
        if (!protocol.equals("tcp") && !protocol.equals("udp") && !protocol.equals("sctp")) {
            throw new InvalidArgumentException("port mapping has unknown protocol " + protocol);
        }
        if (containerPort < 1 || containerPort > 65535 || hostPort < 0 || hostPort > 65535) {
            throw new InvalidArgumentException("port mapping out of range: host " + hostPort
                    + ", container " + containerPort);
        }
    }
}
