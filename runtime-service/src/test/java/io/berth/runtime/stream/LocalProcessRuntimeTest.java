package io.berth.runtime.stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The test backend keeps the same contract as the real runtime. */
class LocalProcessRuntimeTest extends StreamRuntimeContract {

    private final LocalProcessRuntime runtime = new LocalProcessRuntime();
    private EchoServer echo;

    @BeforeEach
    void start() throws Exception {
        echo = new EchoServer();
    }

    @AfterEach
    void stop() throws Exception {
        echo.close();
        runtime.stopContainers();
    }

    @Override
    protected StreamRuntime runtime() {
        return runtime;
    }

    @Override
    protected String containerId() {
        return "c1";
    }

    @Override
    protected String sandboxId() {
        return "s1";
    }

    @Override
    protected int listeningPort() {
        return echo.port();
    }
}
