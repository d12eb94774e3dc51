package io.berth.runtime.stream;

import io.berth.common.error.InvalidArgumentException;
import java.util.List;

/**
 * A PortForward the client has not connected to yet. {@code ports} may be empty
 * (the kubelet sends none for SPDY clients); when it is not, only those ports may be forwarded.
 */
public record PortForwardStreamRequest(String sandboxId, List<Integer> ports) implements StreamRequest {

    public PortForwardStreamRequest {
        ExecStreamRequest.requireId("pod_sandbox_id", sandboxId);
        ports = List.copyOf(ports);
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw new InvalidArgumentException(
                        "port forward to sandbox " + sandboxId + ": port " + port + " is out of range");
            }
        }
    }

    /** Whether a client may forward {@code port} under this request. */
    public boolean allows(int port) {
        return ports.isEmpty() || ports.contains(port);
    }

    @Override
    public String kind() {
        return "portforward";
    }
}
