package io.berth.common.error;

/** The request itself is wrong, whatever the state. */
public final class InvalidArgumentException extends BerthException {

    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.INVALID_ARGUMENT;
    }
}
