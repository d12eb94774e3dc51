package io.berth.common.error;

/** The caller's deadline or an internal timeout passed. */
public final class DeadlineExceededException extends BerthException {

    public DeadlineExceededException(String message) {
        super(message);
    }

    public DeadlineExceededException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.DEADLINE_EXCEEDED;
    }
}
