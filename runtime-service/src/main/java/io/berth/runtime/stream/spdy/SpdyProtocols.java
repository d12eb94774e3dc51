package io.berth.runtime.stream.spdy;

import java.util.List;

/** Values of X-Stream-Protocol-Version (k8s.io/apimachinery util/remotecommand, kubelet portforward). */
final class SpdyProtocols {

    static final String V4 = "v4.channel.k8s.io";
    static final String V3 = "v3.channel.k8s.io";
    static final String V2 = "v2.channel.k8s.io";
    static final String V1 = "channel.k8s.io";
    static final String PORT_FORWARD = "portforward.k8s.io";

    /** In the server's order of preference, although the client's order decides. */
    static final List<String> REMOTE_COMMAND = List.of(V4, V3, V2, V1);
    static final List<String> PORT_FORWARDING = List.of(PORT_FORWARD);

    private SpdyProtocols() {
    }

    static boolean supportsResize(String protocol) {
        return V4.equals(protocol) || V3.equals(protocol);
    }
}
