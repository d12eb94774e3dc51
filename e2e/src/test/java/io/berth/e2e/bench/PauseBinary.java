package io.berth.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * containerd's sandboxes need a pause image. The benchmark compiles a tiny
 * static one (gcc -static) that sleeps until SIGTERM/SIGINT, reaping any
 * children meanwhile.
 */
final class PauseBinary {

    private static final String SOURCE = """
            #include <signal.h>
            #include <sys/wait.h>
            #include <unistd.h>

            static void done(int sig) { (void) sig; _exit(0); }
            static void reap(int sig) { (void) sig; while (waitpid(-1, 0, WNOHANG) > 0) {} }

            int main(void) {
                signal(SIGTERM, done);
                signal(SIGINT, done);
                signal(SIGCHLD, reap);
                for (;;) pause();
            }
            """;

    private PauseBinary() {
    }

    static Path build(Path dir) throws IOException, InterruptedException {
        return compile(SOURCE, dir, "pause", "-static", "-Os", "-s");
    }

    /** Compiles C {@code source} into {@code dir/name} with gcc and {@code flags}. */
    static Path compile(String source, Path dir, String name, String... flags)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path c = dir.resolve(name + ".c");
        Path bin = dir.resolve(name);
        Files.writeString(c, source);
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-o", bin.toString(), c.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (needs gcc and libc6-dev):\n" + out);
        }
        return bin;
    }
}
