package io.berth.cni.spec;

import java.net.InetAddress;

/**
 * One address from a CNI result.
 *
 * @param address        address with prefix, e.g. {@code 10.88.0.5/16}
 * @param gateway        may be null
 * @param interfaceIndex index into the result's interfaces, null when the plugin gave none
 */
public record CniIpConfig(String address, String gateway, Integer interfaceIndex) {

    public CniIpConfig {
        if (address == null || address.indexOf('/') < 0) {
            throw new IllegalArgumentException("CNI result address is not in CIDR form: " + address);
        }
    }

    /** The address without its prefix length. */
    public String ip() {
        return address.substring(0, address.indexOf('/'));
    }

    public int prefixLength() {
        return Integer.parseInt(address.substring(address.indexOf('/') + 1));
    }

    public boolean isIpv6() {
        return ip().indexOf(':') >= 0;
    }

    /** Parses the literal address; no name lookup happens for a literal. */
    public InetAddress inetAddress() {
        try {
            return InetAddress.ofLiteral(ip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("bad address in CNI result: " + address, e);
        }
    }
}
