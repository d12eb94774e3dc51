package io.berth.runtime.stream;

import io.berth.common.error.InvalidArgumentException;

/** Which standard streams a client asked for; the rules are the CRI's (api.proto, ExecRequest). */
public record StdioOptions(boolean tty, boolean stdin, boolean stdout, boolean stderr) {

    public StdioOptions {
        if (tty && stderr) {
            // A terminal merges stderr into stdout; the CRI forbids asking for both.
            throw new InvalidArgumentException("tty and stderr cannot both be true");
        }
        if (!stdin && !stdout && !stderr) {
            throw new InvalidArgumentException("one of stdin, stdout or stderr must be set");
        }
    }
}
