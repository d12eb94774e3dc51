package io.berth.image.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A user namespace for idmapping tests: {@code unshare --user} holds it, the
 * test (host root) maps container ids 0..65535 to {@code hostRoot...}.
 * Closing kills the holder; mounts idmapped with it keep the namespace alive.
 */
final class TestUserNamespace implements AutoCloseable {

    private final Process holder;

    TestUserNamespace(long hostRoot) throws IOException, InterruptedException {
        holder = new ProcessBuilder("unshare", "--user", "sh", "-c", "read x").start();
        try {
            Path ns = path();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Files.readSymbolicLink(ns).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/user")))) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("unshare --user did not run");
                }
                Thread.sleep(1);
            }
            Files.writeString(Path.of("/proc/" + holder.pid() + "/uid_map"), "0 " + hostRoot + " 65536");
            Files.writeString(Path.of("/proc/" + holder.pid() + "/gid_map"), "0 " + hostRoot + " 65536");
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    Path path() {
        return Path.of("/proc/" + holder.pid() + "/ns/user");
    }

    @Override
    public void close() throws InterruptedException {
        holder.destroyForcibly().waitFor();
    }
}
