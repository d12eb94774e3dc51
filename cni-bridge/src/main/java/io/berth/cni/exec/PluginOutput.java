package io.berth.cni.exec;

/** What a plugin run left: exit status, stdout (result or error JSON), stderr (logs). */
public record PluginOutput(int exitCode, byte[] stdout, byte[] stderr) {
}
