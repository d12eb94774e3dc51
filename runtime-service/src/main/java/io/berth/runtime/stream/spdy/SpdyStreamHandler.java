package io.berth.runtime.stream.spdy;

/** What a SPDY connection serves (exec/attach, or port-forward): it decides about each new stream. */
interface SpdyStreamHandler {

    /** A client opened a stream; return an error message to refuse it (RST_STREAM), or null to accept. */
    String check(SpdyStream stream);

    /** The stream was accepted and its SYN_REPLY queued. Called on the event loop. */
    void accepted(SpdyStream stream);

    /** The connection is gone (client close, GOAWAY, idle timeout). Called once, on the event loop. */
    void closed();
}
