package io.berth.image.snapshot;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Runs one piece of work per key at a time; callers that arrive while it runs
 * wait for its result instead of repeating it. A failure is handed to every
 * waiter, and the next call tries again.
 */
final class SingleFlight<T> {

    interface Work<T> {
        T run() throws IOException;
    }

    private final ConcurrentHashMap<String, CompletableFuture<T>> running = new ConcurrentHashMap<>();

    T run(String key, Work<T> work) throws IOException {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> theirs = running.putIfAbsent(key, mine);
        if (theirs != null) {
            return await(theirs);
        }
        try {
            T result = work.run();
            mine.complete(result);
            return result;
        } catch (IOException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            running.remove(key, mine);
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a concurrent unpack");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            } else if (c instanceof RuntimeException re) {
                throw re;
            } else if (c instanceof Error err) {
                throw err;
            }
            throw new UncheckedIOException(new IOException(c));
        }
    }
}
