package io.berth.common.error;

/** The object is in a state that does not allow the call. */
public final class FailedPreconditionException extends BerthException {

    public FailedPreconditionException(String message) {
        super(message);
    }

    public FailedPreconditionException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.FAILED_PRECONDITION;
    }
}
