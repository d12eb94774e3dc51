package io.berth.runtime.container.runtime;

import io.berth.common.error.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The configured runtime handlers ({@code [runtimes.NAME]} tables): a sandbox's
 * {@code runtime_handler} (RuntimeClass) picks one; "" is the default handler.
 */
public final class OciRuntimes {

    private final Map<String, OciRuntime> byName;
    private final String defaultName;

    /** @param runtimes by handler name; {@code defaultName} must be among them */
    public OciRuntimes(Map<String, OciRuntime> runtimes, String defaultName) {
        if (!runtimes.containsKey(defaultName)) {
            throw new IllegalArgumentException("default runtime \"" + defaultName + "\" is not configured");
        }
        this.byName = new LinkedHashMap<>(runtimes);
        this.defaultName = defaultName;
    }

    public static OciRuntimes single(OciRuntime runtime) {
        return new OciRuntimes(Map.of(runtime.handler(), runtime), runtime.handler());
    }

    /** @throws InvalidArgumentException naming the handler when none is configured by that name */
    public OciRuntime forHandler(String handler) {
        if (handler == null || handler.isEmpty()) {
            return byName.get(defaultName);
        }
        OciRuntime r = byName.get(handler);
        if (r == null) {
            throw new InvalidArgumentException("runtime handler \"" + handler + "\" is not configured (known: "
                    + String.join(", ", byName.keySet()) + ")");
        }
        return r;
    }

    /** Handler names a sandbox may ask for besides "" (for SandboxService's validation). */
    public Set<String> names() {
        return Set.copyOf(byName.keySet());
    }

    public String defaultName() {
        return defaultName;
    }

    public Map<String, OciRuntime> all() {
        return Map.copyOf(byName);
    }
}
