package io.berth.e2e.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the deploy commands the docs name, as a user would, with a time limit. */
final class Commands {

    static final Path REPO = Path.of(System.getProperty("berth.repo", "..")).toAbsolutePath().normalize();

    record Result(int exit, String output) {
        Result expectSuccess(List<String> cmd) {
            if (exit != 0) {
                throw new AssertionError(String.join(" ", cmd) + " exited " + exit + ":\n" + output);
            }
            return this;
        }
    }

    private Commands() {
    }

    /** stdout and stderr together; a command still running after {@code seconds} is killed and fails the test. */
    static Result run(List<String> cmd, long seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("(output lost: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", cmd) + " still running after " + seconds + " s");
        }
        reader.join();
        return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    static Result ok(List<String> cmd, long seconds) throws IOException, InterruptedException {
        return run(cmd, seconds).expectSuccess(cmd);
    }
}
