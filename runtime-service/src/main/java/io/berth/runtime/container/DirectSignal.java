package io.berth.runtime.container;

import io.berth.common.os.ErrnoException;
import io.berth.common.os.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sends a signal to a container's init without running the OCI runtime: an exec
 * of runc costs tens of milliseconds on a loaded node, a pidfd a few microseconds.
 * The pid is trusted only while a pidfd holds it and the process is a live child
 * of the container's shim (its subreaper, which forks nothing else once the
 * container runs); anything else answers false and the caller asks the runtime.
 */
final class DirectSignal {

    private DirectSignal() {
    }

    /** True when {@code signal} was delivered to {@code p}'s init; false when only the runtime can tell. */
    static boolean send(Container.ProcessInfo p, int signal) {
        if (p == null || p.pid() <= 0 || p.shimPid() <= 0) {
            return false;
        }
        int fd;
        try {
            fd = Libc.pidfdOpen(p.pid());
        } catch (ErrnoException | RuntimeException gone) {
            return false;
        }
        try {
            if (!liveChildOf(p.pid(), p.shimPid())) {
                return false;
            }
            Libc.pidfdSendSignal(fd, signal);
            return true;
        } catch (ErrnoException | RuntimeException e) {
            return false;
        } finally {
            Libc.close(fd);
        }
    }

    /** The init's state and signal masks from /proc/PID/status, for a log line; "" when unknown. */
    static String signalState(Container.ProcessInfo p) {
        if (p == null || p.pid() <= 0) {
            return "";
        }
        try (var lines = Files.lines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            return String.join(", ", lines.filter(l -> l.startsWith("State:") || l.startsWith("Sig"))
                    .map(l -> l.replaceAll("\\s+", " ")).toList());
        } catch (IOException | RuntimeException e) {
            return "pid " + p.pid() + " gone";
        }
    }

    /** /proc/PID/stat: "pid (comm) state ppid ...", comm may hold spaces and parentheses. */
    static boolean liveChildOf(long pid, long parent) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            String[] f = stat.substring(close + 2).split(" ", 3);
            return f.length >= 2 && !"Z".equals(f[0]) && !"X".equals(f[0]) && Long.parseLong(f[1]) == parent;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
