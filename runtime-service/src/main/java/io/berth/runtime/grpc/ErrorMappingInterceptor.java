package io.berth.runtime.grpc;

import io.berth.common.error.BerthException;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become gRPC status codes (STYLE.md rule 2,
 * DESIGN.md §5). Handlers throw {@link BerthException}s or pass them to
 * {@code onError}; both arrive here. Any other exception is a bug and becomes
 * INTERNAL with a logged stack trace. Every call is logged once with its
 * duration (debug when OK, warn otherwise) and reported to the
 * {@link RpcRecorder}. Requests are never logged: PullImageRequest carries
 * registry credentials.
 */
public final class ErrorMappingInterceptor implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMappingInterceptor.class);

    private final RpcRecorder recorder;

    public ErrorMappingInterceptor(RpcRecorder recorder) {
        this.recorder = recorder;
    }

    /** The status a failure is answered with. */
    public static Status toStatus(Throwable failure, String method) {
        return switch (failure) {
            case BerthException e -> codeOf(e.kind()).withDescription(e.getMessage());
            case StatusRuntimeException e -> e.getStatus();
            case StatusException e -> e.getStatus();
            default -> Status.INTERNAL.withDescription("internal error in " + method + " ("
                    + failure.getClass().getSimpleName() + "); see the berthd log");
        };
    }

    static Status codeOf(BerthException.Kind kind) {
        return switch (kind) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case UNIMPLEMENTED -> Status.UNIMPLEMENTED;
            case INTERNAL -> Status.INTERNAL;
        };
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        MappingCall<Q, R> mapping = new MappingCall<>(call);
        try {
            return new GuardedListener<>(next.startCall(mapping, headers), mapping);
        } catch (RuntimeException e) {
            mapping.fail(e);
            return new ServerCall.Listener<>() { };
        }
    }

    /** Rewrites the final status and reports it exactly once. */
    private final class MappingCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private final String method;
        private final long start = System.nanoTime();
        private final AtomicBoolean finished = new AtomicBoolean();

        MappingCall(ServerCall<Q, R> call) {
            super(call);
            this.method = ServiceRouter.shortName(call.getMethodDescriptor().getFullMethodName());
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            Status mapped = status;
            Throwable cause = status.getCause();
            if (cause != null && (status.getCode() == Status.Code.UNKNOWN || cause instanceof BerthException)) {
                // onError(e) wraps e as UNKNOWN; the cause decides the real code.
                mapped = toStatus(cause, method);
                logUnexpected(cause);
            }
            report(mapped);
            super.close(mapped, trailers);
        }

        void fail(Throwable failure) {
            logUnexpected(failure);
            close(toStatus(failure, method), new Metadata());
        }

        void cancelled() {
            if (finished.compareAndSet(false, true)) {
                report(Status.CANCELLED.withDescription("cancelled by the client"));
            }
        }

        private void logUnexpected(Throwable failure) {
            boolean expected = failure instanceof StatusRuntimeException || failure instanceof StatusException
                    || (failure instanceof BerthException b && b.kind() != BerthException.Kind.INTERNAL);
            if (!expected) {
                LOG.error("rpc {} failed unexpectedly", method, failure);
            }
        }

        private void report(Status status) {
            long nanos = System.nanoTime() - start;
            if (status.isOk()) {
                if (LOG.isDebugEnabled()) { // else every call paid a String.format for no line
                    LOG.debug("rpc {} OK in {} ms", method, millis(nanos));
                }
            } else {
                LOG.warn("rpc {} {} in {} ms: {}", method, status.getCode(), millis(nanos),
                        status.getDescription());
            }
            recorder.record(method, status.getCode(), nanos);
        }

        private static String millis(long nanos) {
            return String.format("%.1f", nanos / (double) TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Catches what a handler throws, whichever callback it throws from. */
    private static final class GuardedListener<Q, R> extends SimpleForwardingServerCallListener<Q> {
        private final MappingCall<Q, R> call;

        GuardedListener(ServerCall.Listener<Q> delegate, MappingCall<Q, R> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            guard(() -> super.onMessage(message));
        }

        @Override
        public void onHalfClose() {
            guard(super::onHalfClose);
        }

        @Override
        public void onReady() {
            guard(super::onReady);
        }

        @Override
        public void onCancel() {
            call.cancelled();
            guard(super::onCancel);
        }

        @Override
        public void onComplete() {
            guard(super::onComplete);
        }

        private void guard(Runnable step) {
            try {
                step.run();
            } catch (RuntimeException e) {
                call.fail(e);
            }
        }
    }
}
