package io.berth.runtime.shim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The exit file the shim writes when the process ends. Keep in sync with
 * shim/PROTOCOL.md, "Exit file".
 *
 * @param exitCode  the exit status, or 128 + signal for a death by signal
 * @param signal    the signal that killed it, 0 if it exited
 * @param oomKilled the kernel's OOM killer acted in the container's memory cgroup
 * @param timedOut  exec mode: the shim killed it when --timeout passed
 */
public record ShimExit(int exitCode, int signal, boolean oomKilled, boolean timedOut, Instant finishedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ShimExit parse(byte[] content) throws IOException {
        JsonNode n = JSON.readTree(content);
        if (n == null || !n.has("exit_code") || !n.has("finished_at_unix_nano")) {
            throw new IOException("not a shim exit file: " + new String(content, java.nio.charset.StandardCharsets.UTF_8));
        }
        long nanos = n.get("finished_at_unix_nano").asLong();
        return new ShimExit(n.get("exit_code").asInt(), n.path("signal").asInt(),
                n.path("oom_killed").asBoolean(), n.path("timed_out").asBoolean(),
                Instant.ofEpochSecond(0, nanos));
    }

    public static ShimExit read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    /** The CRI's reason for a terminated container (api.proto, ContainerStatus.reason). */
    public String reason() {
        if (oomKilled) {
            return "OOMKilled";
        }
        return exitCode == 0 ? "Completed" : "Error";
    }
}
