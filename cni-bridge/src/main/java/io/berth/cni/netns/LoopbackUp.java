package io.berth.cni.netns;

import io.berth.common.os.Libc;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Brings up {@code lo} in a pod's network namespace. An interface because it
 * is an OS boundary (STYLE.md rule 7); the real one does it in-process with
 * two ioctls on a thread inside the netns, which costs far less than
 * running the loopback plugin.
 */
@FunctionalInterface
public interface LoopbackUp {

    void up(Path netns) throws IOException;

    static LoopbackUp inProcess() {
        return netns -> NetnsThreads.callIn(netns, () -> {
            Libc.interfaceUp("lo");
            return null;
        });
    }
}
