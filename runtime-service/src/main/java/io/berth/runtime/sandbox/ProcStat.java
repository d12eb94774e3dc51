package io.berth.runtime.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One line of /proc/PID/stat, enough to tell whether a pid is still the
 * process we started: its state and its start time (field 22, clock ticks
 * since boot), which a recycled pid cannot share.
 */
record ProcStat(long pid, String comm, char state, long startTime) {

    static Optional<ProcStat> read(long pid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return Optional.empty();
        }
        // comm may hold spaces and parentheses: it ends at the last ')'.
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 >= text.length()) {
            return Optional.empty();
        }
        String[] rest = text.substring(close + 2).trim().split(" ");
        // rest[0] is field 3 (state), so field 22 is rest[19].
        if (rest.length < 20) {
            return Optional.empty();
        }
        return Optional.of(new ProcStat(pid, text.substring(open + 1, close), rest[0].charAt(0),
                Long.parseLong(rest[19])));
    }

    /** A zombie counts as gone: on this kind of node init may reap it late. */
    boolean running() {
        return state != 'Z' && state != 'X';
    }
}
