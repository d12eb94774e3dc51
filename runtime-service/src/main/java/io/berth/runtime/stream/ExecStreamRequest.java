package io.berth.runtime.stream;

import io.berth.common.error.InvalidArgumentException;
import java.util.List;

/** An Exec the client has not connected to yet. */
public record ExecStreamRequest(String containerId, List<String> cmd, StdioOptions stdio) implements StreamRequest {

    public ExecStreamRequest {
        requireId("container_id", containerId);
        cmd = List.copyOf(cmd);
        if (cmd.isEmpty()) {
            throw new InvalidArgumentException("exec in container " + containerId + ": cmd must not be empty");
        }
    }

    @Override
    public String kind() {
        return "exec";
    }

    static void requireId(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidArgumentException("missing required " + field);
        }
    }
}
