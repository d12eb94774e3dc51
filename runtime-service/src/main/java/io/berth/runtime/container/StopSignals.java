package io.berth.runtime.container;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.Signal;
import java.util.Locale;
import java.util.Map;

/**
 * The signal StopContainer sends first: the container's {@code stop_signal}
 * (api.proto, ContainerConfig), else the image's {@code StopSignal} (image-spec
 * config.md), else SIGTERM. Numbers are Linux x86-64/arm64's.
 */
public final class StopSignals {

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7),
            Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
            Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
            Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CLD", 17), Map.entry("CONT", 18),
            Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22),
            Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26),
            Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29),
            Map.entry("PWR", 30), Map.entry("SYS", 31), Map.entry("RTMIN", 34), Map.entry("RTMAX", 64));

    private StopSignals() {
    }

    public static int resolve(Signal configured, String imageStopSignal) {
        if (configured != null && configured != Signal.RUNTIME_DEFAULT && configured != Signal.UNRECOGNIZED) {
            return fromCri(configured);
        }
        if (imageStopSignal != null && !imageStopSignal.isBlank()) {
            return parse(imageStopSignal);
        }
        return SIGTERM;
    }

    /** The CRI enum's names are the signal names, with RTMIN+n / RTMAX-n spelled out. */
    static int fromCri(Signal s) {
        String n = s.name().substring(3);
        if (n.startsWith("RTMINPLUS")) {
            return 34 + Integer.parseInt(n.substring(9));
        }
        if (n.startsWith("RTMAXMINUS")) {
            return 64 - Integer.parseInt(n.substring(10));
        }
        return parse(n);
    }

    /** "SIGQUIT", "QUIT", "quit", "3", "SIGRTMIN+3". */
    public static int parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.startsWith("SIG")) {
            t = t.substring(3);
        }
        try {
            if (t.chars().allMatch(Character::isDigit) && !t.isEmpty()) {
                return checked(text, Integer.parseInt(t));
            }
            int plus = t.indexOf('+');
            int minus = t.indexOf('-');
            if (t.startsWith("RTMIN") && plus > 0) {
                return checked(text, 34 + Integer.parseInt(t.substring(plus + 1)));
            }
            if (t.startsWith("RTMAX") && minus > 0) {
                return checked(text, 64 - Integer.parseInt(t.substring(minus + 1)));
            }
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("stop signal \"" + text + "\" is not a signal");
        }
        Integer n = NUMBERS.get(t);
        if (n == null) {
            throw new InvalidArgumentException("stop signal \"" + text + "\" is not a signal");
        }
        return n;
    }

    private static int checked(String text, int n) {
        if (n < 1 || n > 64) {
            throw new InvalidArgumentException("stop signal \"" + text + "\" is out of range 1..64");
        }
        return n;
    }
}
