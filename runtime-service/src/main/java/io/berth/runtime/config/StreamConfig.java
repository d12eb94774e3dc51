package io.berth.runtime.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code [stream]}: the HTTP server that carries exec, attach and port-forward sessions. */
public record StreamConfig(
        @Doc("Address the streaming server listens on and puts into exec/attach/port-forward URLs.\n"
                + "The kubelet proxies streams itself, so loopback is enough on a node.")
        String address,
        @Doc("TCP port; 0 picks a free port at start-up (the URLs carry the real one).")
        int port,
        @Doc("PEM certificate chain for TLS; empty serves plain HTTP. Needs tls_key.")
        String tlsCert,
        @Doc("PEM private key (PKCS#8) for tls_cert.")
        String tlsKey,
        @Doc("Seconds a URL handed out by Exec/Attach/PortForward stays usable (single use).")
        int tokenTtlSeconds,
        @Doc("URLs handed out but not yet used; beyond this Exec/Attach/PortForward fail with RESOURCE_EXHAUSTED.")
        int maxPendingTokens,
        @Doc("Seconds a SPDY client has to open all the streams of a session.")
        int streamCreationTimeoutSeconds,
        @Doc("Seconds without traffic after which a streaming connection is closed.")
        int idleTimeoutSeconds) implements ConfigSection {

    public static StreamConfig defaults() {
        return new StreamConfig("127.0.0.1", 0, "", "", 60, 1000, 30, 4 * 3600);
    }

    @Override
    public void validate() {
        if (address.isBlank()) {
            throw new BadValueException("address", "must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new BadValueException("port", "port " + port + " is out of range");
        }
        if (tlsCert.isEmpty() != tlsKey.isEmpty()) {
            throw new BadValueException(tlsCert.isEmpty() ? "tls_cert" : "tls_key",
                    "tls_cert and tls_key must be given together");
        }
        if (tls()) {
            requireReadable("tls_cert", tlsCert);
            requireReadable("tls_key", tlsKey);
        }
        requirePositive("token_ttl_seconds", tokenTtlSeconds);
        requirePositive("max_pending_tokens", maxPendingTokens);
        requirePositive("stream_creation_timeout_seconds", streamCreationTimeoutSeconds);
        requirePositive("idle_timeout_seconds", idleTimeoutSeconds);
    }

    public boolean tls() {
        return !tlsCert.isEmpty();
    }

    public Duration tokenTtl() {
        return Duration.ofSeconds(tokenTtlSeconds);
    }

    public Duration streamCreationTimeout() {
        return Duration.ofSeconds(streamCreationTimeoutSeconds);
    }

    public Duration idleTimeout() {
        return Duration.ofSeconds(idleTimeoutSeconds);
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new BadValueException(key, value + " must be positive");
        }
    }

    private static void requireReadable(String key, String path) {
        if (!Files.isReadable(Path.of(path))) {
            throw new BadValueException(key, "\"" + path + "\" is not a readable file");
        }
    }
}
