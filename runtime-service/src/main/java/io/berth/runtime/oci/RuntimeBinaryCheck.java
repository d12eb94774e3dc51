package io.berth.runtime.oci;

import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Whether the default handler's OCI runtime can be run, for Status's
 * RuntimeReady. The file is looked up and stat-ed at every call (cheap, and a
 * removed or chmod-ed binary shows at once); running {@code --version} costs an
 * exec, so its answer is kept until the file changes or {@code ttl} passes.
 */
public final class RuntimeBinaryCheck {

    public static final String MISSING = "OCIRuntimeMissing";
    public static final String NOT_EXECUTABLE = "OCIRuntimeNotExecutable";
    public static final String NOT_RUNNABLE = "OCIRuntimeNotRunnable";

    /** ready, or the reason (one of the constants above) and a message naming the binary. */
    public record Result(boolean ready, String reason, String message) {

        static final Result READY = new Result(true, "", "");
    }

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(5);

    private final String handler;
    private final String binary;
    private final String searchPath;
    private final CommandRunner runner;
    private final LongSupplier nanos;
    private final long ttlNanos;
    private Verdict last;

    private record Verdict(Path file, Object fileKey, long modified, long size, long at, Result result) {
    }

    /**
     * @param handler    the handler's name, for messages
     * @param binary     an absolute path or a name looked up in {@code searchPath} (PATH's syntax)
     */
    public RuntimeBinaryCheck(String handler, String binary, String searchPath, CommandRunner runner,
                              LongSupplier nanos, Duration ttl) {
        this.handler = handler;
        this.binary = binary;
        this.searchPath = searchPath;
        this.runner = runner;
        this.nanos = nanos;
        this.ttlNanos = ttl.toNanos();
    }

    /** berthd's check: PATH from the environment, a minute between runs of an unchanged binary. */
    public static RuntimeBinaryCheck system(String handler, String binary) {
        return new RuntimeBinaryCheck(handler, binary, System.getenv().getOrDefault("PATH",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), CommandRunner.system(),
                System::nanoTime, Duration.ofMinutes(1));
    }

    public synchronized Result check() {
        Optional<Path> found = locate();
        if (found.isEmpty()) {
            return new Result(false, MISSING, "OCI runtime " + binary + " of runtime handler \"" + handler
                    + "\" not found" + (binary.contains("/") ? "" : " on PATH " + searchPath));
        }
        Path file = found.get();
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return new Result(false, MISSING, "OCI runtime " + file + " of runtime handler \"" + handler
                    + "\" cannot be read: " + e.getMessage());
        }
        if (!attrs.isRegularFile() || !Files.isExecutable(file)) {
            return new Result(false, NOT_EXECUTABLE, "OCI runtime " + file + " of runtime handler \"" + handler
                    + "\" is not an executable file");
        }
        long now = nanos.getAsLong();
        Verdict v = last;
        if (v != null && v.file().equals(file) && java.util.Objects.equals(v.fileKey(), attrs.fileKey())
                && v.modified() == attrs.lastModifiedTime().toMillis() && v.size() == attrs.size()
                && now - v.at() < ttlNanos) {
            return v.result();
        }
        Result r = run(file);
        last = new Verdict(file, attrs.fileKey(), attrs.lastModifiedTime().toMillis(), attrs.size(), now, r);
        return r;
    }

    private Result run(Path file) {
        try {
            CommandResult r = runner.run(Command.of(RUN_TIMEOUT, file.toString(), "--version"));
            if (r.ok()) {
                return Result.READY;
            }
            String err = r.stderrText().strip();
            return new Result(false, NOT_RUNNABLE, "OCI runtime " + file + " of runtime handler \"" + handler
                    + "\": --version exited " + r.exitCode() + (err.isEmpty() ? "" : ": " + err));
        } catch (IOException | RuntimeException e) {
            return new Result(false, NOT_RUNNABLE, "OCI runtime " + file + " of runtime handler \"" + handler
                    + "\" cannot be run: " + e.getMessage());
        }
    }

    private Optional<Path> locate() {
        if (binary.contains("/")) {
            Path p = Path.of(binary);
            return Files.exists(p) ? Optional.of(p) : Optional.empty();
        }
        // As execvp does: the first executable wins; a non-executable one is reported only if none is.
        Path seen = null;
        for (String dir : searchPath.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, binary).toAbsolutePath();
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
            seen = seen == null && Files.exists(p) ? p : seen;
        }
        return Optional.ofNullable(seen);
    }
}
