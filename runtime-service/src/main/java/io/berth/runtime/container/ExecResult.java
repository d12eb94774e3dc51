package io.berth.runtime.container;

/** What ExecSync returns: both streams, whole, and the exit code. */
public record ExecResult(byte[] stdout, byte[] stderr, int exitCode) {
}
