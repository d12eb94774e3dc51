package io.berth.runtime.grpc;

import io.grpc.Context;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Moves the one step of a call that may block, the handler itself, off the
 * event loop. gRPC's own call executor hands every callback of a call (start,
 * message, half-close) to the executor, and with virtual threads each hand-off
 * can be a thread of its own: on a busy node every hand-off is a wake-up of a
 * parked carrier. Here every callback runs on the loop, where reading and
 * parsing a CRI request costs microseconds, and only {@code onHalfClose}, where
 * a unary or server-streaming handler runs, goes to {@code executor}: one
 * hand-off per call. Methods in {@code onLoop} never leave the loop.
 *
 * <p>Must be the outermost interceptor, so that the error mapping's listener
 * runs inside the dispatched step and still sees what the handler throws.
 */
public final class OffLoopDispatch implements ServerInterceptor {

    private final Set<String> onLoop;
    private final Executor executor;

    public OffLoopDispatch(Set<String> onLoop, Executor executor) {
        this.onLoop = Set.copyOf(onLoop);
        this.executor = executor;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        if (onLoop.contains(call.getMethodDescriptor().getFullMethodName())) {
            return listener;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onHalfClose() {
                // The call's context (deadline, cancellation) goes along: handlers read it.
                Runnable step = Context.current().wrap(super::onHalfClose);
                try {
                    executor.execute(step);
                } catch (RejectedExecutionException e) {
                    call.close(Status.UNAVAILABLE.withDescription("berthd is shutting down"), new Metadata());
                }
            }
        };
    }
}
