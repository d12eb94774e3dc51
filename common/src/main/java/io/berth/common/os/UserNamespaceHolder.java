package io.berth.common.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A fresh user namespace with a given id mapping, held by a child process
 * ({@code unshare --user sh -c 'read x'}) for as long as this is open. A JVM
 * cannot make one itself: unshare(CLONE_NEWUSER) fails in a multi-threaded
 * process. The caller, root in the host's namespace, writes the mapping
 * (util-linux's --map-users would need newuidmap). What is made with the
 * namespace (pins, idmapped mounts, processes that joined it) keeps it alive
 * after {@link #close()}.
 */
public final class UserNamespaceHolder implements AutoCloseable {

    private final Process holder;

    private UserNamespaceHolder(Process holder) {
        this.holder = holder;
    }

    /**
     * @param uidMap the uid_map text, e.g. "0 100000 65536"
     * @param gidMap the gid_map text
     */
    public static UserNamespaceHolder start(String uidMap, String gidMap, Duration timeout) throws IOException {
        Process p = new ProcessBuilder("unshare", "--user", "sh", "-c", "read x")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        UserNamespaceHolder h = new UserNamespaceHolder(p);
        try {
            h.awaitNamespace(timeout);
            Path proc = Path.of("/proc", Long.toString(p.pid()));
            Files.writeString(proc.resolve("uid_map"), uidMap + "\n", StandardCharsets.US_ASCII);
            Files.writeString(proc.resolve("gid_map"), gidMap + "\n", StandardCharsets.US_ASCII);
            return h;
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /** Until the child runs in a user namespace other than ours (the exec into unshare takes a moment). */
    private void awaitNamespace(Duration timeout) throws IOException {
        Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/user"));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!holder.isAlive()) {
                throw new IOException("unshare --user exited at once (status " + holder.exitValue() + ")");
            }
            try {
                if (!Files.readSymbolicLink(path()).equals(own)) {
                    return;
                }
            } catch (IOException notYet) {
                // /proc/PID/ns appears with the process; keep waiting.
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("unshare --user did not make a user namespace within "
                        + timeout.toMillis() + " ms");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a user namespace", e);
            }
        }
    }

    /** The holder's pid, for nsenter --target. */
    public long pid() {
        return holder.pid();
    }

    /** The namespace, to open (mount_setattr's userns_fd) or bind-mount. */
    public Path path() {
        return Path.of("/proc", Long.toString(holder.pid()), "ns", "user");
    }

    /** Ends the holder and reaps it. */
    @Override
    public void close() {
        holder.destroyForcibly();
        try {
            holder.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
