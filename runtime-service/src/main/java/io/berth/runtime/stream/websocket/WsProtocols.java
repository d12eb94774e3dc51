package io.berth.runtime.stream.websocket;

import java.util.List;

/**
 * WebSocket subprotocols of the Kubernetes channel framing (apimachinery
 * wsstream; v5 from client-go remotecommand): one channel byte (or digit, for
 * base64) leads every message.
 */
final class WsProtocols {

    static final String V5 = "v5.channel.k8s.io";
    static final String V4 = "v4.channel.k8s.io";
    static final String V4_BASE64 = "v4.base64.channel.k8s.io";
    static final String V1 = "channel.k8s.io";
    static final String V1_BASE64 = "base64.channel.k8s.io";
    static final String PORT_FORWARD = "portforward.k8s.io";
    /** A client that names no subprotocol gets the binary framing of channel.k8s.io. */
    static final String NONE = "";

    static final List<String> REMOTE_COMMAND = List.of(V5, V4, V4_BASE64, V1, V1_BASE64);
    static final List<String> PORT_FORWARDING = List.of(V4, V4_BASE64, PORT_FORWARD);

    /** v5 adds the close-channel message: byte 255 followed by the channel being closed. */
    static final int CLOSE_CHANNEL = 255;

    private WsProtocols() {
    }

    static boolean isBase64(String protocol) {
        return protocol.contains("base64");
    }

    static boolean hasJsonStatus(String protocol) {
        return V5.equals(protocol) || V4.equals(protocol) || V4_BASE64.equals(protocol);
    }
}
