package io.berth.runtime.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in the config are written the way Go tools write them: "90s", "5m", "1h30m", "500ms". */
final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {
    }

    static Duration parse(String key, String text) {
        if (text == null || text.isEmpty()) {
            throw new BadValueException(key, "a duration is required, e.g. \"30s\" or \"5m\"");
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end != text.length() || total.isZero()) {
            throw new BadValueException(key, "\"" + text + "\" is not a positive duration such as \"30s\" or \"5m\"");
        }
        return total;
    }
}
