package io.berth.runtime.shim;

import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link ShimLauncher} for unit tests of the code that starts containers:
 * records every config and either answers with made-up pids or fails as told.
 */
public final class FakeShimLauncher implements ShimLauncher {

    private final List<ShimConfig> started = new ArrayList<>();
    private ShimStartException failure;
    private long nextPid = 100_000;

    /** The next starts fail with this, as the shim would report a runtime error. */
    public synchronized void failWith(String stage, int status, String runtimeText) {
        failure = new ShimStartException("fake", stage, status, runtimeText);
    }

    @Override
    public synchronized ShimProcess start(ShimConfig config) {
        started.add(config);
        if (failure != null) {
            throw new ShimStartException(config.id(), failure.stage(), failure.status(), failure.runtimeMessage());
        }
        long shim = nextPid++;
        return new ShimProcess(shim, nextPid++, config.socket(), config.exitFile());
    }

    public synchronized List<ShimConfig> started() {
        return List.copyOf(started);
    }
}
