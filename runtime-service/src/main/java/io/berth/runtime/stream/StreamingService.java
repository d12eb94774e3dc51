package io.berth.runtime.stream;

/**
 * What the Exec, Attach and PortForward RPC handlers call: stores the
 * validated request under a fresh token and returns the absolute URL the
 * client connects to.
 */
public final class StreamingService {

    private final TokenCache tokens;
    private final String baseUrl;

    StreamingService(TokenCache tokens, String baseUrl) {
        this.tokens = tokens;
        this.baseUrl = baseUrl;
    }

    public String execUrl(ExecStreamRequest request) {
        return url(request);
    }

    public String attachUrl(AttachStreamRequest request) {
        return url(request);
    }

    public String portForwardUrl(PortForwardStreamRequest request) {
        return url(request);
    }

    /** Scheme, host and port, e.g. {@code http://127.0.0.1:40123}. */
    public String baseUrl() {
        return baseUrl;
    }

    private String url(StreamRequest request) {
        return baseUrl + "/" + request.kind() + "/" + tokens.insert(request);
    }
}
