package io.berth.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.AlreadyExistsException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameRegistrarTest {

    private final NameRegistrar names = new NameRegistrar("pod sandbox");

    @Test
    void secondReservationOfANameFailsNamingTheHolder() {
        names.reserve("web_default_uid_0", "id-1");
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                () -> names.reserve("web_default_uid_0", "id-2"));
        assertTrue(e.getMessage().contains("id-1"), e.getMessage());
        assertTrue(e.getMessage().contains("web_default_uid_0"), e.getMessage());
    }

    @Test
    void reservingTheSamePairTwiceIsANoOp() {
        names.reserve("a", "id-1");
        names.reserve("a", "id-1");
        assertEquals(1, names.size());
    }

    @Test
    void oneIdHoldsOneName() {
        names.reserve("a", "id-1");
        assertThrows(AlreadyExistsException.class, () -> names.reserve("b", "id-1"));
    }

    @Test
    void releaseFreesTheNameAndIsIdempotent() {
        names.reserve("a", "id-1");
        names.release("a");
        names.release("a");
        names.reserve("a", "id-2");
        assertEquals(Optional.of("id-2"), names.holder("a"));
        names.releaseById("id-2");
        names.releaseById("id-2");
        assertEquals(Optional.empty(), names.holder("a"));
        assertEquals(0, names.size());
    }

    @Test
    void concurrentReservationsOfOneNameHaveExactlyOneWinner() throws Exception {
        int n = 16;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger wins = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String id = "id-" + i;
                fs.add(pool.submit(() -> {
                    start.await();
                    try {
                        names.reserve("same", id);
                        wins.incrementAndGet();
                    } catch (AlreadyExistsException expected) {
                        // the losers
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, wins.get());
        assertEquals(1, names.size());
    }
}
