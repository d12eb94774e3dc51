package io.berth.runtime.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How a session's outcome goes on the error stream. Protocol v4 and later
 * (SPDY v4.channel.k8s.io, WebSocket v4.* and v5) send a JSON metav1.Status,
 * which is how clients learn the exit code; older versions send only the
 * failure text (kubelet pkg/cri/streaming remotecommand, v1WriteStatusFunc
 * and v4WriteStatusFunc).
 */
public enum CommandStatus {
    TEXT,
    JSON;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The process exited; {@code cmd} names the command in the failure message. */
    public void writeExit(OutputStream errorStream, int exitCode, String what) throws IOException {
        if (exitCode == 0) {
            if (this == JSON) {
                ObjectNode status = base("Success");
                write(errorStream, status);
            }
            return;
        }
        String message = "command terminated with non-zero exit code: error executing command "
                + what + ", exit code " + exitCode;
        if (this == TEXT) {
            errorStream.write(message.getBytes(StandardCharsets.UTF_8));
            return;
        }
        ObjectNode status = base("Failure");
        status.put("message", message);
        status.put("reason", "NonZeroExitCode");
        ObjectNode cause = status.putObject("details").putArray("causes").addObject();
        cause.put("reason", "ExitCode");
        cause.put("message", Integer.toString(exitCode));
        write(errorStream, status);
    }

    /** The session succeeded without an exit code (attach). */
    public void writeSuccess(OutputStream errorStream) throws IOException {
        if (this == JSON) {
            write(errorStream, base("Success"));
        }
    }

    /** The runtime failed (could not start, lost the process). */
    public void writeInternalError(OutputStream errorStream, String error) throws IOException {
        String message = "Internal error occurred: " + error;
        if (this == TEXT) {
            errorStream.write(message.getBytes(StandardCharsets.UTF_8));
            return;
        }
        ObjectNode status = base("Failure");
        status.put("message", message);
        status.put("reason", "InternalError");
        status.putObject("details").putArray("causes").addObject().put("message", error);
        status.put("code", 500);
        write(errorStream, status);
    }

    private static ObjectNode base(String outcome) {
        ObjectNode status = MAPPER.createObjectNode();
        status.putObject("metadata");
        status.put("status", outcome);
        return status;
    }

    private static void write(OutputStream out, ObjectNode status) throws IOException {
        out.write(MAPPER.writeValueAsBytes(status));
    }
}
