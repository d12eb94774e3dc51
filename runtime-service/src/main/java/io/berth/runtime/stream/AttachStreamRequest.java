package io.berth.runtime.stream;

/** An Attach the client has not connected to yet. */
public record AttachStreamRequest(String containerId, StdioOptions stdio) implements StreamRequest {

    public AttachStreamRequest {
        ExecStreamRequest.requireId("container_id", containerId);
    }

    @Override
    public String kind() {
        return "attach";
    }
}
