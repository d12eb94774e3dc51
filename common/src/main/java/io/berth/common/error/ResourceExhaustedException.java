package io.berth.common.error;

/** A bounded resource (tokens, disk, slots) is used up. */
public final class ResourceExhaustedException extends BerthException {

    public ResourceExhaustedException(String message) {
        super(message);
    }

    public ResourceExhaustedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.RESOURCE_EXHAUSTED;
    }
}
