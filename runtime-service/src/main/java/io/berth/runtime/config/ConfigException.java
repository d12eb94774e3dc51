package io.berth.runtime.config;

/**
 * The configuration cannot be used. The message names the key and where the
 * value came from (a file or the command line), ready to print as is.
 */
public final class ConfigException extends Exception {

    private final String key;
    private final String reason;

    public ConfigException(String message) {
        this(message, null, message, null);
    }

    public ConfigException(String message, Throwable cause) {
        this(message, null, message, cause);
    }

    ConfigException(String message, String key, String reason, Throwable cause) {
        super(message, cause);
        this.key = key;
        this.reason = reason;
    }

    /** The dotted key at fault, or null when the problem is not one key's value. */
    public String key() {
        return key;
    }

    /** What is wrong with the value, without the source and key. */
    public String reason() {
        return reason;
    }
}
