package io.berth.image.failure;

import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.common.error.UnavailableException;

/**
 * Why a pull failed, in the few classes an operator alerts on (the
 * {@code reason} label of the pull failure metric). The gRPC code alone does
 * not tell them apart: a refused login and a tampered blob are both
 * FailedPrecondition. Where the code is ambiguous the thrower says which it
 * is by giving {@link #tag()} as the exception's cause.
 */
public enum PullFailure {
    NOT_FOUND("not_found"),
    AUTH("auth"),
    DIGEST_MISMATCH("digest_mismatch"),
    TIMEOUT("timeout"),
    INVALID("invalid"),
    REGISTRY_ERROR("registry_error"),
    OTHER("other");

    private final String label;

    PullFailure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** A cause that marks an exception as this class of failure; carries no stack. */
    public Throwable tag() {
        return new Tag(this);
    }

    /** The class of {@code t}: a tag in its cause chain first, else its kind. */
    public static PullFailure of(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Tag tag) {
                return tag.failure;
            }
        }
        return switch (t) {
            case NotFoundException e -> NOT_FOUND;
            case DeadlineExceededException e -> TIMEOUT;
            case InvalidArgumentException e -> INVALID;
            case UnavailableException e -> REGISTRY_ERROR;
            default -> OTHER;
        };
    }

    private static final class Tag extends Exception {
        private final PullFailure failure;

        Tag(PullFailure failure) {
            super(failure.label, null, false, false);
            this.failure = failure;
        }
    }
}
