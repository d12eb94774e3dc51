package io.berth.common.error;

/** The named object does not exist. */
public final class NotFoundException extends BerthException {

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.NOT_FOUND;
    }
}
