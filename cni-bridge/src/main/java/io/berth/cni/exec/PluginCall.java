package io.berth.cni.exec;

import io.berth.cni.spec.CniCommand;
import java.time.Duration;
import java.util.Map;

/**
 * One plugin run: which binary ({@code type}), the complete environment it
 * gets (nothing of berthd's leaks in) and the JSON on its stdin.
 */
public record PluginCall(String type, CniCommand command, Map<String, String> env, byte[] stdin,
                         Duration timeout) {

    public PluginCall {
        env = Map.copyOf(env);
    }
}
