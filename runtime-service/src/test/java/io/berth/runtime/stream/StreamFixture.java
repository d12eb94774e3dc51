package io.berth.runtime.stream;

import io.berth.runtime.config.StreamConfig;
import java.io.IOException;
import java.util.List;

/** A started streaming server over the local-process backend, for the protocol tests. */
final class StreamFixture implements AutoCloseable {

    final LocalProcessRuntime runtime = new LocalProcessRuntime();
    final StreamServer server;

    StreamFixture() throws IOException {
        this(StreamConfig.defaults());
    }

    StreamFixture(StreamConfig config) throws IOException {
        server = new StreamServer(config, runtime).start();
    }

    StreamingService service() {
        return server.service();
    }

    String exec(StdioOptions stdio, String... cmd) {
        return service().execUrl(new ExecStreamRequest("c1", List.of(cmd), stdio));
    }

    String portForward(Integer... ports) {
        return service().portForwardUrl(new PortForwardStreamRequest("s1", List.of(ports)));
    }

    static StdioOptions out() {
        return new StdioOptions(false, false, true, true);
    }

    @Override
    public void close() {
        server.close();
        runtime.stopContainers();
    }
}
