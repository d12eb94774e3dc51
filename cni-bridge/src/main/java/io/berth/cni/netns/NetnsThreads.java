package io.berth.cni.netns;

import io.berth.common.os.Libc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs code inside a network namespace. setns changes only the calling
 * thread, and a virtual thread may hop carriers, so each call gets a fresh
 * platform thread that enters the namespace, runs, and goes back to the
 * process's own netns before it ends.
 */
public final class NetnsThreads {

    /** The process's (thread-group leader's) netns: where threads go back to. */
    private static final String HOST_NETNS = "/proc/self/ns/net";

    private NetnsThreads() {
    }

    /**
     * Runs {@code task} with the calling thread in the netns pinned at
     * {@code netns}. Sockets opened by the task stay in that netns after it returns.
     */
    public static <T> T callIn(Path netns, Callable<T> task) throws IOException {
        return onPlatformThread("netns-" + netns.getFileName(), () -> {
            Libc.setns(netns.toString(), Libc.CLONE_NEWNET);
            try {
                return task.call();
            } finally {
                Libc.setns(HOST_NETNS, Libc.CLONE_NEWNET);
            }
        });
    }

    /**
     * Runs {@code task} on a new platform thread that ends with it, and waits,
     * rethrowing its failure: for unshare, whose effect must die with the thread.
     */
    public static <T> T onPlatformThread(String name, Callable<T> task) throws IOException {
        CompletableFuture<T> done = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> {
            try {
                done.complete(task.call());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        t.start();
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running in a network namespace", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }
}
