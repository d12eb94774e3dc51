package io.berth.runtime.config;

/** A key has a value the daemon cannot use; {@link #key()} is relative to its table. */
public final class BadValueException extends RuntimeException {

    private final String key;

    public BadValueException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
