package io.berth.common.error;

/** A dependency (registry, plugin, runtime) cannot be reached now; retrying may help. */
public final class UnavailableException extends BerthException {

    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.UNAVAILABLE;
    }
}
