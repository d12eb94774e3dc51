package io.berth.runtime;

/**
 * Configures slf4j-simple through its system properties. It reads them once,
 * when the first logger is created, so this must run before anything logs;
 * properties given with -D on the command line win.
 */
final class LogSetup {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private LogSetup() {
    }

    static void configure(String level) {
        System.setProperty(PREFIX + "defaultLogLevel", level);
        setDefault("showDateTime", "true");
        setDefault("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setDefault("showThreadName", "false");
        setDefault("showShortLogName", "true");
        setDefault("levelInBrackets", "true");
        // Netty and gRPC chatter at info is noise for an operator.
        setDefault("log.io.netty", "warn");
        setDefault("log.io.grpc", "warn");
        // grpc-netty asks every child channel for SO_KEEPALIVE, which unix sockets lack.
        setDefault("log.io.netty.bootstrap", "error");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
