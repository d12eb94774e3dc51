package io.berth.runtime.rpc;

/**
 * Whether pod networking is usable, for Status's NetworkReady condition. The
 * CNI layer will supply the real one; until then networking is honestly not
 * ready.
 */
@FunctionalInterface
public interface NetworkStatus {

    NetworkStatus NOT_CONFIGURED = () -> new Readiness(false, "NoCNIConfig",
            "pod networking is not set up: berthd has no CNI network configuration loaded");

    Readiness readiness();

    record Readiness(boolean ready, String reason, String message) {
    }
}
