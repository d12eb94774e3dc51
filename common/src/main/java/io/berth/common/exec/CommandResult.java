package io.berth.common.exec;

import java.nio.charset.StandardCharsets;

/** What a finished program left: its exit status and captured output. */
public record CommandResult(int exitCode, byte[] stdout, byte[] stderr) {

    public boolean ok() {
        return exitCode == 0;
    }

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }
}
