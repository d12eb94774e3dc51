package io.berth.runtime.grpc;

import io.grpc.Status;

/** Told the outcome of every RPC once, after its final status is known (metrics). */
@FunctionalInterface
public interface RpcRecorder {

    RpcRecorder NONE = (method, code, nanos) -> { };

    /** {@code method} is "Service/Method", e.g. "RuntimeService/Version". */
    void record(String method, Status.Code code, long durationNanos);
}
