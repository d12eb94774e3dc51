package io.berth.cni.netns;

/** Byte and error counters of one interface, as the kernel keeps them. */
public record InterfaceCounters(String name, long rxBytes, long rxErrors, long txBytes, long txErrors) {

    /**
     * Finds {@code ifName} in the text of /proc/net/dev: two header lines,
     * then "name: rx_bytes rx_packets rx_errs ... (8 rx fields) tx_bytes tx_packets tx_errs ...".
     */
    public static InterfaceCounters parse(String procNetDev, String ifName) {
        for (String line : procNetDev.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).strip().equals(ifName)) {
                continue;
            }
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            if (f.length < 16) {
                throw new IllegalArgumentException("short /proc/net/dev line for " + ifName);
            }
            return new InterfaceCounters(ifName, Long.parseLong(f[0]), Long.parseLong(f[2]),
                    Long.parseLong(f[8]), Long.parseLong(f[10]));
        }
        throw new IllegalArgumentException("no interface " + ifName + " in /proc/net/dev");
    }
}
