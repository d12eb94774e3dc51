package io.berth.runtime.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the node that host-namespace pods inherit. */
final class HostInfo {

    private HostInfo() {
    }

    /** The node's hostname as the kernel has it (berthd's own UTS namespace). */
    static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
