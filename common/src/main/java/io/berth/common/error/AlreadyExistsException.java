package io.berth.common.error;

/** An object with that name or id exists already. */
public final class AlreadyExistsException extends BerthException {

    public AlreadyExistsException(String message) {
        super(message);
    }

    public AlreadyExistsException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.ALREADY_EXISTS;
    }
}
