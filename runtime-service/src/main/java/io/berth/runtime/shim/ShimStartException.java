package io.berth.runtime.shim;

import io.berth.common.error.BerthException;

/**
 * The shim reported that it could not start the process; it has already undone its
 * work (no process, no exit file). The message carries the OCI runtime's own text.
 */
public final class ShimStartException extends BerthException {

    private final String stage;
    private final int status;
    private final String runtimeMessage;

    public ShimStartException(String id, String stage, int status, String runtimeMessage) {
        super(describe(id, stage, status, runtimeMessage));
        this.stage = stage;
        this.status = status;
        this.runtimeMessage = runtimeMessage;
    }

    private static String describe(String id, String stage, int status, String text) {
        String what = "options".equals(stage) || "setup".equals(stage)
                ? "cannot start the shim of " + id
                : "OCI runtime " + stage + " of " + id + " failed" + (status >= 0 ? " (status " + status + ")" : "");
        return what + ": " + text;
    }

    /** options, setup, create, start, exec (shim/PROTOCOL.md, "Sync pipe"). */
    public String stage() {
        return stage;
    }

    /** The runtime's exit status, or -1 when it did not run or timed out. */
    public int status() {
        return status;
    }

    public String runtimeMessage() {
        return runtimeMessage;
    }

    @Override
    public Kind kind() {
        // Bad arguments (a missing log directory, runtime or bundle) are the caller's to fix.
        return "options".equals(stage) ? Kind.FAILED_PRECONDITION : Kind.INTERNAL;
    }
}
