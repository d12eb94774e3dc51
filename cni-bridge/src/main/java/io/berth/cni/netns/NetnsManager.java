package io.berth.cni.netns;

import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.common.os.ErrnoException;
import io.berth.common.os.Libc;
import io.berth.common.os.Mounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Creates pod network namespaces and pins them by bind mounts in one
 * directory (default /run/netns, where {@code ip netns} looks), so that they
 * outlive any process and berthd restarts.
 */
public final class NetnsManager {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,62}");
    public static final String PREFIX = "berth-";
    /** Enough of a 64-hex sandbox id to be unique on a node, short enough to read. */
    static final int ID_PREFIX = 16;

    private final Path pinDir;
    private volatile boolean pinDirReady;

    public NetnsManager(Path pinDir) {
        this.pinDir = pinDir;
    }

    public Path pinDir() {
        return pinDir;
    }

    /** The pin path for a sandbox: {@code <pinDir>/berth-<first 16 chars of id>}. */
    public Path pathFor(String sandboxId) {
        String id = sandboxId.length() > ID_PREFIX ? sandboxId.substring(0, ID_PREFIX) : sandboxId;
        return pinPath(PREFIX + id);
    }

    public Path pinPath(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new InvalidArgumentException("invalid network namespace name: " + name);
        }
        return pinDir.resolve(name);
    }

    /**
     * Creates a new network namespace pinned at {@code pin}. A platform thread
     * unshares its netns and bind-mounts its own ns file (thread-self, not
     * self: the process stays where it is) onto the pin, then ends. On failure
     * nothing is left.
     *
     * @throws java.nio.file.FileAlreadyExistsException when the pin exists
     */
    public Path create(Path pin) throws IOException {
        createPinFile(pin);
        try {
            NetnsThreads.onPlatformThread("netns-create", () -> {
                Libc.unshare(Libc.CLONE_NEWNET);
                Libc.mount("/proc/thread-self/ns/net", pin.toString(), "none", Libc.MS_BIND, null);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(pin);
            throw e;
        }
        return pin;
    }

    /**
     * Pins an existing network namespace ({@code source}, e.g. /proc/PID/ns/net
     * of a process that made it inside a pod's user namespace) at {@code pin}.
     * On failure nothing is left.
     */
    public Path adopt(Path pin, Path source) throws IOException {
        createPinFile(pin);
        try {
            Libc.mount(source.toString(), pin.toString(), "none", Libc.MS_BIND, null);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(pin);
            throw e;
        }
        return pin;
    }

    private void createPinFile(Path pin) throws IOException {
        ensurePinDir();
        try {
            Files.createFile(pin);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(pin.toString(), null, "network namespace pin already exists");
        }
    }

    /** Unmounts and removes a pin. Missing or already unmounted is fine (idempotent). */
    public void remove(Path pin) throws IOException {
        unpin(pin);
    }

    /**
     * Unmounts and removes any namespace pin (net, ipc, uts...); missing or
     * already unmounted is fine.
     */
    public static void unpin(Path pin) throws IOException {
        Mounts.detachAndDelete(pin);
    }

    /** Whether {@code pin} exists and is a network namespace (not just a leftover file). */
    public boolean isPinned(Path pin) {
        return isNamespace(pin);
    }

    /** Whether {@code pin} is a namespace file (nsfs), as a CNI plugin needs CNI_NETNS to be. */
    public static boolean isNamespace(Path pin) {
        try {
            // Namespace files all live on nsfs, one device; a leftover plain file lives elsewhere.
            Object dev = Files.getAttribute(pin, "unix:dev");
            Object procDev = Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:dev");
            return dev.equals(procDev);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Reads the byte/error counters of {@code ifName} inside the netns. */
    public InterfaceCounters counters(Path pin, String ifName) throws IOException {
        if (!Files.exists(pin)) {
            throw new NotFoundException("network namespace " + pin + " does not exist");
        }
        // /proc/net follows the thread group leader; thread-self follows this thread's netns.
        String text = NetnsThreads.callIn(pin, () ->
                Files.readString(Path.of("/proc/thread-self/net/dev"), StandardCharsets.US_ASCII));
        return InterfaceCounters.parse(text, ifName);
    }

    /**
     * Makes the pin dir a shared mount point, as {@code ip netns add} does, so
     * pins show up in mount namespaces that were copied from this one later.
     */
    private void ensurePinDir() throws IOException {
        if (pinDirReady) {
            return;
        }
        synchronized (this) {
            if (pinDirReady) {
                return;
            }
            Files.createDirectories(pinDir);
            String dir = pinDir.toString();
            try {
                Libc.mount("none", dir, null, Libc.MS_SHARED | Libc.MS_REC, null);
            } catch (ErrnoException e) {
                if (e.errno() != ErrnoException.EINVAL) {
                    throw e;
                }
                // EINVAL: not a mount point yet; bind it onto itself first.
                Libc.mount(dir, dir, "none", Libc.MS_BIND | Libc.MS_REC, null);
                Libc.mount("none", dir, null, Libc.MS_SHARED | Libc.MS_REC, null);
            }
            pinDirReady = true;
        }
    }
}
