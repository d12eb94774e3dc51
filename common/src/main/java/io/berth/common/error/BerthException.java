package io.berth.common.error;

/**
 * Base of every domain failure in Berth. Handlers throw these; exactly one
 * adapter at the gRPC edge turns the {@link Kind} into a status code, so the
 * mapping lives in one place (STYLE.md rule 2).
 */
public abstract class BerthException extends RuntimeException {

    /** The failure classes the CRI distinguishes; one gRPC code each. */
    public enum Kind {
        NOT_FOUND,
        ALREADY_EXISTS,
        INVALID_ARGUMENT,
        FAILED_PRECONDITION,
        DEADLINE_EXCEEDED,
        UNAVAILABLE,
        RESOURCE_EXHAUSTED,
        UNIMPLEMENTED,
        INTERNAL
    }

    protected BerthException(String message) {
        super(message);
    }

    protected BerthException(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract Kind kind();
}
