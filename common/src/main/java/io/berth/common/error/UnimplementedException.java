package io.berth.common.error;

/** The call is part of the API but not served by this build. */
public final class UnimplementedException extends BerthException {

    public UnimplementedException(String message) {
        super(message);
    }

    public UnimplementedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.UNIMPLEMENTED;
    }
}
