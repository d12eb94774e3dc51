package io.berth.runtime.server;

/** berthd cannot start; the message says why and what to do, ready to print. */
public final class StartupException extends Exception {

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
