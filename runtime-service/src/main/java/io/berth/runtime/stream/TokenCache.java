package io.berth.runtime.stream;

import io.berth.common.error.ResourceExhaustedException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Single-use URL tokens. A token is unguessable (128 random bits), expires
 * after the TTL and is removed when used, so a leaked URL is worth at most
 * one session within a minute. The cap bounds memory when clients ask for
 * URLs and never come.
 */
public final class TokenCache {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private record Entry(StreamRequest request, long expiresAtNanos) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final long ttlNanos;
    private final int maxPending;
    private final LongSupplier clock;

    public TokenCache(Duration ttl, int maxPending) {
        this(ttl, maxPending, System::nanoTime);
    }

    TokenCache(Duration ttl, int maxPending, LongSupplier clock) {
        this.ttlNanos = ttl.toNanos();
        this.maxPending = maxPending;
        this.clock = clock;
    }

    /** Stores {@code request} and returns its token; ResourceExhausted when too many are pending. */
    public synchronized String insert(StreamRequest request) {
        long now = clock.getAsLong();
        evictExpired(now);
        if (entries.size() >= maxPending) {
            throw new ResourceExhaustedException("too many pending streaming requests (" + maxPending
                    + "); a " + request.kind() + " URL was refused");
        }
        String token;
        do {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            token = ENCODER.encodeToString(bytes);
        } while (entries.containsKey(token));
        entries.put(token, new Entry(request, now + ttlNanos));
        return token;
    }

    /** Removes and returns the request behind {@code token}, if it exists and has not expired. */
    public synchronized Optional<StreamRequest> consume(String token) {
        Entry entry = entries.remove(token);
        if (entry == null || clock.getAsLong() - entry.expiresAtNanos() >= 0) {
            return Optional.empty();
        }
        return Optional.of(entry.request());
    }

    public synchronized int pending() {
        evictExpired(clock.getAsLong());
        return entries.size();
    }

    // Entries are in insertion order and share one TTL, so expired ones are a prefix.
    private void evictExpired(long now) {
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext() && now - it.next().expiresAtNanos() >= 0) {
            it.remove();
        }
    }
}
