package io.berth.runtime.grpc;

/**
 * Serves one server-streaming RPC. It sends responses through {@code out} and
 * returns when the stream is complete; returning ends the call with OK. A
 * long-lived stream polls {@link ResponseStream#isCancelled()} to stop when
 * the client goes away. Failures are thrown, as for {@link UnaryHandler}.
 */
@FunctionalInterface
public interface StreamingHandler<Q, R> {
    void handle(Q request, ResponseStream<R> out);
}
