package io.berth.runtime.container;

import io.berth.runtime.shim.AttachClient;
import java.io.IOException;
import java.nio.file.Path;

/** Control requests to a running shim over its socket (shim/PROTOCOL.md §5). */
public interface ShimControl {

    /** REOPEN_LOG: the shim reopens its log path (after the kubelet rotated the file). */
    void reopenLog(Path socket) throws IOException;

    ShimControl SOCKET = socket -> {
        try (AttachClient c = AttachClient.connect(socket, null)) {
            c.reopenLog();
        }
    };
}
