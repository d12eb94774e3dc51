package io.berth.runtime.stream;

/** A validated streaming request waiting in the token cache for its client. */
public sealed interface StreamRequest permits ExecStreamRequest, AttachStreamRequest, PortForwardStreamRequest {

    /** The URL path segment that serves this kind of request. */
    String kind();
}
