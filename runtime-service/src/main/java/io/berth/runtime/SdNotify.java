package io.berth.runtime;

import io.berth.common.os.ErrnoException;
import io.berth.common.os.Libc;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's readiness protocol (sd_notify(3)): with {@code Type=notify} the
 * unit counts as started only when berthd sends READY=1 to the unix datagram
 * socket named by $NOTIFY_SOCKET, which it does once the CRI socket is served,
 * so the kubelet (ordered After=berth.service) never finds it missing. Outside
 * systemd the variable is unset and every call does nothing.
 */
final class SdNotify {

    private static final Logger LOG = LoggerFactory.getLogger(SdNotify.class);

    private final String socket;

    SdNotify(String socket) {
        this.socket = socket == null || socket.isEmpty() ? null : socket;
    }

    static SdNotify fromEnvironment(Map<String, String> env) {
        return new SdNotify(env.get("NOTIFY_SOCKET"));
    }

    void ready() {
        send("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\nSTATUS=serving the CRI");
    }

    void stopping() {
        send("STOPPING=1\nSTATUS=stopping");
    }

    // A failed notification is logged, not fatal: systemd then times the unit out by itself.
    private void send(String state) {
        if (socket == null) {
            return;
        }
        try {
            Libc.sendUnixDatagram(socket, state.getBytes(StandardCharsets.UTF_8));
        } catch (ErrnoException e) {
            LOG.warn("cannot notify systemd at NOTIFY_SOCKET={}: {}", socket, e.getMessage());
        }
    }
}
