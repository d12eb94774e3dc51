package io.berth.common.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a program by name the way execvp does: the first executable file on PATH wins. */
public final class Executables {

    /** Where berthd looks when it was started without a PATH (e.g. by a bare systemd unit). */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Executables() {
    }

    /** {@code name} on this process's PATH, as an absolute path. */
    public static Optional<Path> onPath(String name) {
        return onPath(name, System.getenv().getOrDefault("PATH", DEFAULT_PATH));
    }

    /** {@code name} in {@code searchPath} (PATH's syntax; an empty entry is the working directory). */
    public static Optional<Path> onPath(String name, String searchPath) {
        for (String dir : searchPath.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name).toAbsolutePath();
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
