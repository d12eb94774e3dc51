package io.berth.runtime.sandbox;

import io.berth.cni.netns.NetnsThreads;
import io.berth.common.os.ErrnoException;
import io.berth.common.os.Libc;
import io.berth.common.os.Mounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@link PodNamespaces} on Linux. unshare and setns change only the calling
 * thread, and a virtual thread may change carriers, so every namespace
 * operation runs on a fresh platform thread that ends with it: the thread's
 * namespaces die with it unless pinned, and no pooled thread is ever left in
 * a pod's namespace.
 */
public final class LinuxPodNamespaces implements PodNamespaces {

    @Override
    public void createPinned(PinRequest req) throws IOException {
        List<Path> pins = new ArrayList<>();
        int flags = 0;
        if (req.ipc() != null) {
            pins.add(req.ipc());
            flags |= Libc.CLONE_NEWIPC;
        }
        if (req.uts() != null) {
            pins.add(req.uts());
            flags |= Libc.CLONE_NEWUTS;
        }
        if (pins.isEmpty()) {
            return;
        }
        for (Path p : pins) {
            Files.createDirectories(p.getParent());
            Files.write(p, new byte[0], StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        int unshareFlags = flags;
        try {
            onFreshThread("pod-ns-create", () -> {
                Libc.unshare(unshareFlags);
                if (req.uts() != null && req.hostname() != null && !req.hostname().isEmpty()) {
                    Libc.sethostname(req.hostname());
                }
                if (req.ipc() != null) {
                    bind(NamespaceKind.IPC, req.ipc());
                }
                if (req.uts() != null) {
                    bind(NamespaceKind.UTS, req.uts());
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            unpinAll(pins, e);
            throw e;
        }
    }

    @Override
    public void adoptPinned(AdoptRequest req) throws IOException {
        Map<NamespaceKind, Path> pins = new java.util.EnumMap<>(NamespaceKind.class);
        if (req.user() != null) {
            pins.put(NamespaceKind.USER, req.user());
        }
        if (req.ipc() != null) {
            pins.put(NamespaceKind.IPC, req.ipc());
        }
        if (req.uts() != null) {
            pins.put(NamespaceKind.UTS, req.uts());
        }
        try {
            for (Map.Entry<NamespaceKind, Path> e : pins.entrySet()) {
                Path pin = e.getValue();
                Files.createDirectories(pin.getParent());
                Files.write(pin, new byte[0], StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Libc.mount("/proc/" + req.pid() + "/ns/" + e.getKey().procName(), pin.toString(), "none",
                        Libc.MS_BIND, null);
            }
            if (req.uts() != null && req.hostname() != null && !req.hostname().isEmpty()) {
                // Host root may enter a UTS namespace that a child user namespace owns; a thread may
                // (unlike a user namespace, which no multi-threaded process can enter).
                onFreshThread("pod-ns-hostname", () -> {
                    Libc.setns(req.uts().toString(), Libc.CLONE_NEWUTS);
                    Libc.sethostname(req.hostname());
                    return null;
                });
            }
        } catch (IOException | RuntimeException e) {
            unpinAll(pins.values(), e);
            throw e;
        }
    }

    private static void bind(NamespaceKind kind, Path pin) throws ErrnoException {
        // thread-self, not self: only this thread moved to the new namespace.
        Libc.mount("/proc/thread-self/ns/" + kind.procName(), pin.toString(), "none", Libc.MS_BIND, null);
    }

    /** Undoes every pin of a failed creation; what cannot be undone is added to {@code failure}. */
    private void unpinAll(java.util.Collection<Path> pins, Exception failure) {
        for (Path p : pins) {
            try {
                unpin(p);
            } catch (IOException undo) {
                failure.addSuppressed(undo);
            }
        }
    }

    @Override
    public void unpin(Path pin) throws IOException {
        Mounts.detachAndDelete(pin);
    }

    @Override
    public void mountShm(Path dir, long sizeBytes) throws IOException {
        Files.createDirectories(dir);
        Libc.mount("shm", dir.toString(), "tmpfs", Libc.MS_NOSUID | Libc.MS_NODEV | Libc.MS_NOEXEC,
                "mode=1777,size=" + sizeBytes);
    }

    @Override
    public void unmountShm(Path dir) throws IOException {
        // The same undo as a pin: detach (a container may still hold it while it dies), then the directory.
        unpin(dir);
    }

    @Override
    public boolean isPinned(Path pin) {
        try {
            // A namespace bind mount lives on nsfs, whose device is the one of /proc/self/ns/*.
            Object dev = Files.getAttribute(pin, "unix:dev");
            return dev.equals(Files.getAttribute(Path.of("/proc/self/ns/ipc"), "unix:dev"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public void writeSysctls(Path pin, NamespaceKind kind, Map<String, String> sysctls, long nsRootUid)
            throws IOException {
        Callable<Void> write = () -> {
            for (Map.Entry<String, String> e : sysctls.entrySet()) {
                writeOne(e.getKey(), e.getValue());
            }
            return null;
        };
        if (kind == NamespaceKind.NET) {
            NetnsThreads.callIn(pin, write);
            return;
        }
        onFreshThread("pod-sysctl", () -> {
            Libc.setns(pin.toString(), kind.cloneFlag());
            if (nsRootUid == 0) {
                return write.call();
            }
            // An IPC namespace's sysctls are writable by its user namespace's root alone (the kernel
            // compares the euid, capabilities do not count): this thread, and only it, becomes that uid.
            Libc.setresuidThisThread(-1, nsRootUid, -1);
            try {
                return write.call();
            } finally {
                Libc.setresuidThisThread(-1, 0, -1);
            }
        });
    }

    /** Runs on a thread inside the namespace: /proc/sys resolves against the caller's namespaces. */
    private static void writeOne(String key, String value) throws IOException {
        Path file = Path.of(SysctlPolicy.procPath(key));
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new SysctlRejectedException(key, "does not exist (" + file + " is missing)");
        } catch (IOException e) {
            throw new SysctlRejectedException(key, "the kernel refused the value \"" + value + "\": "
                    + e.getMessage());
        }
    }

    private static <T> T onFreshThread(String name, Callable<T> task) throws IOException {
        CompletableFuture<T> done = new CompletableFuture<>();
        Thread.ofPlatform().name(name).daemon(true).start(() -> {
            try {
                done.complete(task.call());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during a namespace operation", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }
}
