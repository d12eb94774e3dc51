package io.berth.runtime.sandbox;

import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/** Shell-level probes of the real host for the integration tests. */
final class Host {

    private Host() {
    }

    static CommandResult run(String... argv) {
        try {
            return CommandRunner.system().run(Command.of(Duration.ofSeconds(30), argv));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String runOk(String... argv) {
        CommandResult r = run(argv);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + r.stderrText());
        }
        return r.stdoutText();
    }

    /** Host ends of pod veths on a bridge. */
    static List<String> portsOf(String bridge) {
        CommandResult r = run("ip", "-o", "link", "show", "master", bridge);
        return r.ok() ? r.stdoutText().lines().filter(l -> !l.isBlank()).toList() : List.of();
    }

    static boolean linkExists(String name) {
        return run("ip", "link", "show", name).ok();
    }

    /** Whether anything is mounted at {@code path} (pins are mounts). */
    static boolean mounted(String path) {
        return run("findmnt", "-n", path).ok();
    }
}
