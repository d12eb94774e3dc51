package io.berth.runtime.server;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the socket path ours before the server binds it. A lock file beside
 * the socket stops two daemons that start at the same instant; a probe of an
 * existing socket file tells a stale file (deleted) from a live daemon
 * (refused, naming its pid). The lock is held until {@link #close()}.
 */
final class SocketGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SocketGuard.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final FileChannel lockChannel;
    private final FileLock lock;

    private SocketGuard(FileChannel lockChannel, FileLock lock) {
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static SocketGuard claim(Path socket, EventLoopGroup probeGroup) throws StartupException, IOException {
        prepareDirectory(socket.getParent());
        Path lockFile = socket.resolveSibling(socket.getFileName() + ".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String pid = new String(Files.readAllBytes(lockFile), StandardCharsets.US_ASCII).strip();
            channel.close();
            throw new StartupException("another berthd (pid " + (pid.isEmpty() ? "unknown" : pid)
                    + ") is serving or starting on " + socket + "; stop it first or use another --socket");
        }
        SocketGuard guard = new SocketGuard(channel, lock);
        try {
            guard.recordPid();
            removeIfStale(socket, probeGroup);
        } catch (StartupException | IOException | RuntimeException e) {
            guard.close();
            throw e;
        }
        return guard;
    }

    /** Restricts the socket file once the server has created it. */
    static void restrictSocket(Path socket) throws IOException {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
    }

    private static void prepareDirectory(Path dir) throws StartupException, IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new StartupException("socket directory " + dir + " is writable by others, so anyone could "
                    + "replace the socket; use a directory only root can write to");
        }
    }

    private static void removeIfStale(Path socket, EventLoopGroup probeGroup) throws StartupException, IOException {
        if (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(socket, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new StartupException(socket + " exists and is not a socket; remove it or use another --socket");
        }
        switch (SocketProbe.probe(socket, probeGroup, PROBE_TIMEOUT)) {
            case SocketProbe.Result.Listening l -> throw new StartupException("another process"
                    + (l.pid() > 0 ? " (pid " + l.pid() + ")" : "") + " is serving on " + socket
                    + "; stop it first or use another --socket");
            case SocketProbe.Result.Nobody n -> {
                LOG.info("replacing stale socket {} (nobody answers: {})", socket, n.why());
                Files.deleteIfExists(socket);
            }
        }
    }

    private void recordPid() throws IOException {
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.US_ASCII)), 0);
        lockChannel.force(false);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
