package io.berth.cni;

/**
 * The NetworkReady condition for the CRI Status RPC.
 *
 * @param reason  empty when ready; otherwise one of the constants below
 * @param message what is wrong, naming the file or plugin
 */
public record NetworkStatus(boolean ready, String reason, String message) {

    public static final String NO_CNI_CONFIG = "NoCNIConfig";
    public static final String PLUGIN_MISSING = "CNIPluginMissing";
    public static final String INVALID_CONFIG = "InvalidCNIConfig";
    public static final String PLUGIN_NOT_READY = "CNIPluginNotReady";

    public static NetworkStatus ok() {
        return new NetworkStatus(true, "", "");
    }

    public static NetworkStatus notReady(String reason, String message) {
        return new NetworkStatus(false, reason, message);
    }
}
