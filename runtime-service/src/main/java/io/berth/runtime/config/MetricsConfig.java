package io.berth.runtime.config;

import java.net.InetSocketAddress;
import java.util.Optional;

/** {@code [metrics]}: the Prometheus endpoint. */
public record MetricsConfig(
        @Doc("Address (host:port) of the Prometheus text endpoint at /metrics.\n"
                + "Empty disables it. Keep it on loopback unless a firewall guards it.")
        String address) implements ConfigSection {

    public static MetricsConfig defaults() {
        return new MetricsConfig("127.0.0.1:9735");
    }

    @Override
    public void validate() {
        listenAddress();
    }

    /** The address to listen on, or empty when metrics are disabled. */
    public Optional<InetSocketAddress> listenAddress() {
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new BadValueException("address", "\"" + address + "\" is not host:port");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new BadValueException("address", "\"" + address + "\" has no numeric port");
        }
        if (port < 0 || port > 65535) {
            throw new BadValueException("address", "port " + port + " is out of range");
        }
        return Optional.of(InetSocketAddress.createUnresolved(host, port));
    }
}
