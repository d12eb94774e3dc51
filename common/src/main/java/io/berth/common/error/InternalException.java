package io.berth.common.error;

/** Something failed that the caller could not have prevented. */
public final class InternalException extends BerthException {

    public InternalException(String message) {
        super(message);
    }

    public InternalException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.INTERNAL;
    }
}
