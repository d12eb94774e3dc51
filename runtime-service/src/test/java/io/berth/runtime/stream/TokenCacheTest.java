package io.berth.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.ResourceExhaustedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenCacheTest {

    private final AtomicLong now = new AtomicLong();
    private final TokenCache cache = new TokenCache(Duration.ofMinutes(1), 3, now::get);
    private final StreamRequest request = new PortForwardStreamRequest("s1", List.of(80));

    @Test
    void tokenIsSingleUse() {
        String token = cache.insert(request);
        assertEquals(request, cache.consume(token).orElseThrow());
        assertTrue(cache.consume(token).isEmpty());
    }

    @Test
    void tokenExpiresAfterTheTtl() {
        String token = cache.insert(request);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertTrue(cache.consume(token).isEmpty());
    }

    @Test
    void tokensAreDistinctAndUnguessablyLong() {
        String a = cache.insert(request);
        String b = cache.insert(request);
        assertNotEquals(a, b);
        assertTrue(a.length() >= 22, a);
    }

    @Test
    void capCountsOnlyUnexpiredTokens() {
        cache.insert(request);
        cache.insert(request);
        cache.insert(request);
        var e = assertThrows(ResourceExhaustedException.class, () -> cache.insert(request));
        assertTrue(e.getMessage().contains("portforward"), e.getMessage());
        now.addAndGet(Duration.ofMinutes(2).toNanos());
        cache.insert(request);
        assertEquals(1, cache.pending());
    }
}
