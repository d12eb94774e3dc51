package io.berth.runtime.grpc;

/** Where a {@link StreamingHandler} sends its responses. */
public interface ResponseStream<R> {

    void send(R response);

    /** True once the client cancelled or the deadline passed; stop sending then. */
    boolean isCancelled();
}
