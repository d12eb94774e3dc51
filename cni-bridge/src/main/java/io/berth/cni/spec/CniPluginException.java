package io.berth.cni.spec;

import io.berth.common.error.BerthException;

/**
 * A CNI plugin failed. Carries what the plugin said (the spec's error object:
 * code, msg, details) and its stderr, so that the sandbox's error names the
 * plugin and its reason.
 */
public final class CniPluginException extends BerthException {

    /** Well-known codes from the spec ("Error codes"); 100+ are plugin specific. */
    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODE_FAILURE = 6;
    public static final int INVALID_NETWORK_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    public static final int PLUGIN_NOT_AVAILABLE = 50;
    public static final int LIMITED_CONNECTIVITY = 51;
    /** Not from the spec: the plugin did not answer with the error object. */
    public static final int NO_ERROR_OBJECT = -1;

    private final String plugin;
    private final CniCommand command;
    private final int code;
    private final String msg;
    private final String details;
    private final String stderr;

    public CniPluginException(String plugin, CniCommand command, int code, String msg, String details,
                              String stderr) {
        super(describe(plugin, command, code, msg, details, stderr));
        this.plugin = plugin;
        this.command = command;
        this.code = code;
        this.msg = msg;
        this.details = details;
        this.stderr = stderr;
    }

    private static String describe(String plugin, CniCommand command, int code, String msg,
                                   String details, String stderr) {
        StringBuilder sb = new StringBuilder("CNI plugin ").append(plugin).append(' ').append(command)
                .append(" failed");
        if (code != NO_ERROR_OBJECT) {
            sb.append(" (code ").append(code).append(')');
        }
        sb.append(": ").append(msg);
        if (details != null && !details.isBlank()) {
            sb.append("; ").append(details);
        }
        if (stderr != null && !stderr.isBlank()) {
            sb.append("; stderr: ").append(abbreviate(stderr.strip()));
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "...";
    }

    public String plugin() {
        return plugin;
    }

    public CniCommand command() {
        return command;
    }

    public int code() {
        return code;
    }

    public String pluginMessage() {
        return msg;
    }

    public String details() {
        return details;
    }

    public String stderr() {
        return stderr;
    }

    /** Code 11 asks the runtime to retry later; other failures are internal to the node. */
    @Override
    public Kind kind() {
        return code == TRY_AGAIN_LATER || code == PLUGIN_NOT_AVAILABLE ? Kind.UNAVAILABLE : Kind.INTERNAL;
    }
}
