package io.berth.runtime.grpc;

/**
 * Serves one unary RPC (STYLE.md rule 1: one class per RPC, named after it).
 * Runs on a virtual thread, so it may block. Domain failures are thrown as
 * {@link io.berth.common.error.BerthException}s; {@link ErrorMappingInterceptor}
 * turns them into status codes, so a handler never builds a gRPC status.
 */
@FunctionalInterface
public interface UnaryHandler<Q, R> {
    R handle(Q request);
}
