package io.berth.runtime.shim;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Learns of process exits from the shims' exit directory with one inotify watch for all
 * of them, instead of polling each container. The shim renames a finished exit file into
 * place (shim/PROTOCOL.md, "Exit file"), so a file that appears is always complete.
 */
public final class ExitWatcher implements AutoCloseable {

    private final Path dir;
    private final WatchService watch;
    private final Map<String, CompletableFuture<ShimExit>> waiting = new ConcurrentHashMap<>();
    private final Thread thread;

    public ExitWatcher(Path exitDir) throws IOException {
        this.dir = exitDir;
        this.watch = FileSystems.getDefault().newWatchService();
        exitDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        this.thread = Thread.ofPlatform().daemon().name("exit-watcher").start(this::loop);
    }

    /**
     * Completes when the exit file {@code name} exists in the directory: at once if it is
     * already there (an exit while berthd was down), else as soon as the shim writes it.
     */
    public CompletableFuture<ShimExit> exitOf(String name) {
        CompletableFuture<ShimExit> f = waiting.computeIfAbsent(name, n -> new CompletableFuture<>());
        // Registered first, checked second: a file written in between is not missed.
        check(name);
        return f;
    }

    /** Stops waiting for name (the container was removed). */
    public void forget(String name) {
        CompletableFuture<ShimExit> f = waiting.remove(name);
        if (f != null) {
            f.cancel(false);
        }
    }

    private void check(String name) {
        CompletableFuture<ShimExit> f = waiting.get(name);
        if (f == null) {
            return;
        }
        try {
            ShimExit exit = ShimExit.read(dir.resolve(name));
            if (waiting.remove(name, f)) {
                f.complete(exit);
            }
        } catch (NoSuchFileException e) {
            // not yet
        } catch (IOException e) {
            if (waiting.remove(name, f)) {
                f.completeExceptionally(e);
            }
        }
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watch.take();
                List<WatchEvent<?>> events = key.pollEvents();
                for (WatchEvent<?> e : events) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                        waiting.keySet().forEach(this::check);
                    } else if (e.context() instanceof Path p && !p.toString().startsWith(".")) {
                        check(p.toString());
                    }
                }
                if (!key.reset()) {
                    failAll(new IOException("exit directory " + dir + " is gone"));
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            failAll(new IOException("exit watcher of " + dir + " closed"));
        }
    }

    private void failAll(IOException e) {
        waiting.values().forEach(f -> f.completeExceptionally(e));
        waiting.clear();
    }

    /** True when the exit file exists: the process is known to have ended. */
    public boolean hasExited(String name) {
        return Files.exists(dir.resolve(name));
    }

    @Override
    public void close() throws IOException {
        watch.close();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
