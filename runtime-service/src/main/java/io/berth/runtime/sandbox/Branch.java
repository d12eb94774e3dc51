package io.berth.runtime.sandbox;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Work that runs on a virtual thread beside the caller's (the network half of
 * RunPodSandbox and StopPodSandbox), joined with its failure as a value so
 * that the caller can combine it with its own.
 */
final class Branch<T> {

    private final CompletableFuture<T> done = new CompletableFuture<>();

    private Branch() {
    }

    static <T> Branch<T> start(String name, Supplier<T> work) {
        Branch<T> b = new Branch<>();
        Thread.ofVirtual().name(name).start(() -> {
            try {
                b.done.complete(work.get());
            } catch (Throwable t) {
                b.done.completeExceptionally(t);
            }
        });
        return b;
    }

    static <T> Branch<T> completed(T value) {
        Branch<T> b = new Branch<>();
        b.done.complete(value);
        return b;
    }

    /** Waits for the branch; returns its failure, or null when it succeeded. Errors are rethrown. */
    RuntimeException failure() {
        try {
            done.join();
            return null;
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            return e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    /** The result of a branch whose {@link #failure()} was null. */
    T result() {
        return done.join();
    }
}
