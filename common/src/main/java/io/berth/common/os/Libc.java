package io.berth.common.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The few libc calls the JDK does not offer, bound with the FFM API (Java 22+).
 * Every call captures errno atomically with the call and turns -1 into an
 * {@link ErrnoException}. Namespace calls (unshare, setns) change the calling
 * thread only: run them on a dedicated platform thread, never a virtual one.
 */
public final class Libc {

    // Constants from the Linux UAPI headers (x86_64).
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_REMOUNT = 32;
    public static final long MS_BIND = 4096;
    public static final long MS_MOVE = 8192;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;
    public static final int MNT_DETACH = 2;
    public static final int CLONE_FS = 0x00000200;
    public static final int CLONE_NEWNS = 0x00020000;
    public static final int CLONE_NEWUTS = 0x04000000;
    public static final int CLONE_NEWIPC = 0x08000000;
    public static final int CLONE_NEWUSER = 0x10000000;
    public static final int CLONE_NEWPID = 0x20000000;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFIFO = 0010000;
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int XATTR_CREATE = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MemoryLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE =
            STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;

    private static final MethodHandle MOUNT = bind("mount", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR));
    private static final MethodHandle UMOUNT2 = bind("umount2", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle UNSHARE = bind("unshare", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle SETNS = bind("setns", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle MKNOD = bind("mknod", FunctionDescriptor.of(INT, PTR, INT, LONG));
    private static final MethodHandle LCHOWN = bind("lchown", FunctionDescriptor.of(INT, PTR, INT, INT));
    private static final MethodHandle CHMOD = bind("chmod", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle LSETXATTR = bind("lsetxattr", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, INT));
    private static final MethodHandle LGETXATTR = bind("lgetxattr", FunctionDescriptor.of(LONG, PTR, PTR, PTR, LONG));
    private static final MethodHandle UTIMENSAT = bind("utimensat", FunctionDescriptor.of(INT, INT, PTR, PTR, INT));
    private static final MethodHandle SETHOSTNAME = bind("sethostname", FunctionDescriptor.of(INT, PTR, LONG));
    private static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle CHDIR = bind("chdir", FunctionDescriptor.of(INT, PTR));
    private static final MethodHandle SYMLINK = bind("symlink", FunctionDescriptor.of(INT, PTR, PTR));
    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    // ioctl is variadic: the argument after the request is passed the variadic way.
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LIBC.find("ioctl").orElseThrow(),
            FunctionDescriptor.of(INT, INT, LONG, PTR), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LIBC.find("strerror").orElseThrow(), FunctionDescriptor.of(PTR, INT));

    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 02000000;

    private Libc() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        MemorySegment sym = LIBC.find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("libc has no " + name));
        // The capture-state segment comes first in every bound call.
        return LINKER.downcallHandle(sym, fd, ERRNO);
    }

    public static void mount(String source, String target, String fstype, long flags, String data)
            throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            int rc = (int) invoke(MOUNT, st, str(a, source), str(a, target), str(a, fstype), flags, str(a, data));
            check(rc, st, "mount", target);
        }
    }

    public static void umount2(String target, int flags) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            check((int) invoke(UMOUNT2, st, str(a, target), flags), st, "umount2", target);
        }
    }

    public static void unshare(int flags) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            check((int) invoke(UNSHARE, st, flags), st, "unshare", Integer.toHexString(flags));
        }
    }

    /** Moves the calling thread into the namespace that {@code path} pins. */
    public static void setns(String path, int nstype) throws ErrnoException {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            check((int) invoke(SETNS, st, fd, nstype), st, "setns", path);
        } finally {
            close(fd);
        }
    }

    public static int open(String path, int flags) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            int fd = (int) invoke(OPEN, st, str(a, path), flags);
            check(fd, st, "open", path);
            return fd;
        }
    }

    public static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            invoke(CLOSE, a.allocate(STATE), fd);
        }
    }

    public static void mknod(String path, int mode, long dev) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            check((int) invoke(MKNOD, st, str(a, path), mode, dev), st, "mknod", path);
        }
    }

    /** Linux's makedev: major and minor into one dev_t. */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    public static void lchown(String path, int uid, int gid) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            check((int) invoke(LCHOWN, st, str(a, path), uid, gid), st, "lchown", path);
        }
    }

    /** Sets the full mode, setuid/setgid/sticky included, which NIO cannot. */
    public static void chmod(String path, int mode) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            check((int) invoke(CHMOD, st, str(a, path), mode), st, "chmod", path);
        }
    }

    public static void lsetxattr(String path, String name, byte[] value) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            MemorySegment v = a.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
            int rc = (int) invoke(LSETXATTR, st, str(a, path), str(a, name), v, (long) value.length, 0);
            check(rc, st, "lsetxattr", path + " " + name);
        }
    }

    /** Returns the attribute's value, or null when the file does not carry it. */
    public static byte[] lgetxattr(String path, String name) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            MemorySegment buf = a.allocate(65536);
            long n = (long) invoke(LGETXATTR, st, str(a, path), str(a, name), buf, 65536L);
            if (n < 0) {
                int errno = errno(st);
                if (errno == ErrnoException.ENODATA) {
                    return null;
                }
                throw new ErrnoException("lgetxattr", path + " " + name, errno, strerror(errno));
            }
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Sets atime and mtime without following a final symlink. */
    public static void lutimes(String path, long atimeNanos, long mtimeNanos) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            MemorySegment ts = a.allocate(32, 8);
            ts.set(LONG, 0, Math.floorDiv(atimeNanos, 1_000_000_000L));
            ts.set(LONG, 8, Math.floorMod(atimeNanos, 1_000_000_000L));
            ts.set(LONG, 16, Math.floorDiv(mtimeNanos, 1_000_000_000L));
            ts.set(LONG, 24, Math.floorMod(mtimeNanos, 1_000_000_000L));
            int rc = (int) invoke(UTIMENSAT, st, AT_FDCWD, str(a, path), ts, AT_SYMLINK_NOFOLLOW);
            check(rc, st, "utimensat", path);
        }
    }

    /**
     * Changes the working directory of the calling thread's fs context. In a JVM
     * that is the whole process unless the thread first called
     * {@code unshare(CLONE_FS)}: do that on a dedicated platform thread.
     */
    public static void chdir(String path) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            check((int) invoke(CHDIR, st, str(a, path)), st, "chdir", path);
        }
    }

    // Signals through pidfds (added for StopContainer): a pid held by a pidfd cannot be
    // recycled under the caller, so a check of the process and the signal see the same one.
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    // syscall(2) is variadic; every argument is passed as a long, which the kernel ABI allows.
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(LIBC.find("syscall").orElseThrow(),
            FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG, LONG), ERRNO, Linker.Option.firstVariadicArg(1));

    /** pidfd_open(2): a file descriptor that refers to process {@code pid} for as long as it is open. */
    public static int pidfdOpen(long pid) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            long fd = (long) invoke(SYSCALL, st, SYS_PIDFD_OPEN, pid, 0L, 0L, 0L);
            check(fd < 0 ? -1 : 0, st, "pidfd_open", Long.toString(pid));
            return (int) fd;
        }
    }

    /** pidfd_send_signal(2) with no siginfo: like kill(2), to the process the pidfd refers to. */
    public static void pidfdSendSignal(int pidfd, int signal) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            long rc = (long) invoke(SYSCALL, st, SYS_PIDFD_SEND_SIGNAL, (long) pidfd, (long) signal, 0L, 0L);
            check(rc < 0 ? -1 : 0, st, "pidfd_send_signal", "signal " + signal);
        }
    }

    // Network interface flags (added for cni-bridge: bring up a pod's lo without running a plugin).
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final short IFF_UP = 0x1;
    /** struct ifreq: a 16-byte name, then a union whose first member here is short ifr_flags. */
    private static final long IFREQ_SIZE = 40;
    private static final long IFREQ_FLAGS = 16;

    /**
     * Sets IFF_UP on interface {@code ifName} of the calling thread's network
     * namespace: SIOCGIFFLAGS then SIOCSIFFLAGS on a datagram socket.
     */
    public static void interfaceUp(String ifName) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            int fd = (int) invoke(SOCKET, st, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            check(fd, st, "socket", "AF_INET");
            try {
                MemorySegment ifr = a.allocate(IFREQ_SIZE, 8);
                byte[] name = ifName.getBytes(StandardCharsets.US_ASCII);
                MemorySegment.copy(name, 0, ifr, ValueLayout.JAVA_BYTE, 0, Math.min(name.length, 15));
                check((int) invoke(IOCTL, st, fd, SIOCGIFFLAGS, ifr), st, "ioctl(SIOCGIFFLAGS)", ifName);
                short flags = ifr.get(ValueLayout.JAVA_SHORT, IFREQ_FLAGS);
                ifr.set(ValueLayout.JAVA_SHORT, IFREQ_FLAGS, (short) (flags | IFF_UP));
                check((int) invoke(IOCTL, st, fd, SIOCSIFFLAGS, ifr), st, "ioctl(SIOCSIFFLAGS)", ifName);
            } finally {
                close(fd);
            }
        }
    }

    /**
     * Creates {@code linkPath} holding exactly {@code target}; NIO would normalise
     * the text (drop doubled and trailing slashes) on the way.
     */
    public static void symlink(String target, String linkPath) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            check((int) invoke(SYMLINK, st, str(a, target), str(a, linkPath)), st, "symlink", linkPath);
        }
    }

    public static void sethostname(String name) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            MemorySegment s = a.allocateFrom(name);
            check((int) invoke(SETHOSTNAME, st, s, (long) b.length), st, "sethostname", name);
        }
    }

    // Unix datagrams (added for berthd's sd_notify): the JDK's DatagramChannel has no AF_UNIX.
    private static final int AF_UNIX = 1;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** struct sockaddr_un: sa_family_t (2 bytes), then sun_path[108]. */
    private static final int SUN_PATH_MAX = 108;
    private static final MethodHandle SENDTO = bind("sendto",
            FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, INT));

    /**
     * Sends one datagram to the unix socket at {@code path} from a fresh unbound
     * socket. A path starting with '@' names an abstract socket (the '@' becomes
     * the leading NUL byte), as systemd's NOTIFY_SOCKET may.
     */
    public static void sendUnixDatagram(String path, byte[] message) throws ErrnoException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = name.length > 0 && name[0] == '@';
        if (name.length == 0 || name.length >= SUN_PATH_MAX) {
            throw new ErrnoException("sendto", path, ErrnoException.EINVAL, "unix socket path empty or too long");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            int fd = (int) invoke(SOCKET, st, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            check(fd, st, "socket", "AF_UNIX");
            try {
                MemorySegment addr = a.allocate(2 + SUN_PATH_MAX, 2);
                addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
                MemorySegment.copy(name, 0, addr, ValueLayout.JAVA_BYTE, 2, name.length);
                if (abstractName) {
                    addr.set(ValueLayout.JAVA_BYTE, 2, (byte) 0);
                }
                // An abstract name's length counts exactly; a path's includes its NUL.
                int len = 2 + name.length + (abstractName ? 0 : 1);
                MemorySegment buf = a.allocate(Math.max(1, message.length));
                MemorySegment.copy(message, 0, buf, ValueLayout.JAVA_BYTE, 0, message.length);
                long sent = (long) invoke(SENDTO, st, fd, buf, (long) message.length, MSG_NOSIGNAL, addr, len);
                check(sent < 0 ? -1 : 0, st, "sendto", path);
            } finally {
                close(fd);
            }
        }
    }

    // The new mount API (Linux 5.2+; mount_setattr 5.12+; overlay "lowerdir+" 6.8+), added for
    // idmapped rootfs layers and volumes in user-namespaced pods, and for overlay mounts whose
    // layer list is passed one fsconfig call per layer instead of one page of mount options.
    private static final long SYS_OPEN_TREE = 428;
    private static final long SYS_MOVE_MOUNT = 429;
    private static final long SYS_FSOPEN = 430;
    private static final long SYS_FSCONFIG = 431;
    private static final long SYS_FSMOUNT = 432;
    private static final long SYS_MOUNT_SETATTR = 442;
    public static final int OPEN_TREE_CLONE = 1;
    public static final int AT_RECURSIVE = 0x8000;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    private static final int FSOPEN_CLOEXEC = 1;
    private static final int FSMOUNT_CLOEXEC = 1;
    private static final int FSCONFIG_SET_STRING = 1;
    private static final int FSCONFIG_SET_FD = 5;
    private static final int FSCONFIG_CMD_CREATE = 6;
    private static final long MOUNT_ATTR_IDMAP = 0x00100000;
    /** struct mount_attr: attr_set, attr_clr, propagation, userns_fd (u64 each). */
    private static final long MOUNT_ATTR_SIZE = 32;
    private static final MethodHandle SYSCALL6 = LINKER.downcallHandle(LIBC.find("syscall").orElseThrow(),
            FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG, LONG, LONG), ERRNO,
            Linker.Option.firstVariadicArg(1));

    /**
     * open_tree(2) with OPEN_TREE_CLONE: a detached copy of the mount at {@code path}
     * (with {@code recursive}, of its submounts too), close-on-exec. Closing the fd
     * before it is attached anywhere unmounts the copy.
     */
    public static int openTreeClone(String path, boolean recursive) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            long flags = OPEN_TREE_CLONE | O_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
            long fd = (long) invoke(SYSCALL6, st, SYS_OPEN_TREE, (long) AT_FDCWD, a.allocateFrom(path).address(),
                    flags, 0L, 0L);
            check(fd < 0 ? -1 : 0, st, "open_tree", path);
            return (int) fd;
        }
    }

    /**
     * mount_setattr(2) with MOUNT_ATTR_IDMAP on a detached mount: files show the ids
     * that the user namespace {@code usernsFd} maps their on-disk ids to.
     */
    public static void mountSetattrIdmap(int mountFd, int usernsFd, boolean recursive) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            MemorySegment attr = a.allocate(MOUNT_ATTR_SIZE, 8);
            attr.set(LONG, 0, MOUNT_ATTR_IDMAP);
            attr.set(LONG, 24, usernsFd);
            long flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
            long rc = (long) invoke(SYSCALL6, st, SYS_MOUNT_SETATTR, (long) mountFd, a.allocateFrom("").address(),
                    flags, attr.address(), MOUNT_ATTR_SIZE);
            check(rc < 0 ? -1 : 0, st, "mount_setattr", "fd " + mountFd);
        }
    }

    /** fsopen(2): a filesystem context for {@code fstype}, close-on-exec. */
    public static int fsopen(String fstype) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            long fd = (long) invoke(SYSCALL6, st, SYS_FSOPEN, a.allocateFrom(fstype).address(),
                    (long) FSOPEN_CLOEXEC, 0L, 0L, 0L);
            check(fd < 0 ? -1 : 0, st, "fsopen", fstype);
            return (int) fd;
        }
    }

    /** fsconfig(2) FSCONFIG_SET_STRING: one option, e.g. "lowerdir+" with one absolute path. */
    public static void fsconfigString(int fsFd, String key, String value) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            long rc = (long) invoke(SYSCALL6, st, SYS_FSCONFIG, (long) fsFd, (long) FSCONFIG_SET_STRING,
                    a.allocateFrom(key).address(), a.allocateFrom(value).address(), 0L);
            check(rc < 0 ? -1 : 0, st, "fsconfig", key + "=" + value);
        }
    }

    /** fsconfig(2) FSCONFIG_SET_FD: an option whose value is an open file, e.g. a detached mount. */
    public static void fsconfigFd(int fsFd, String key, int valueFd) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            long rc = (long) invoke(SYSCALL6, st, SYS_FSCONFIG, (long) fsFd, (long) FSCONFIG_SET_FD,
                    a.allocateFrom(key).address(), 0L, (long) valueFd);
            check(rc < 0 ? -1 : 0, st, "fsconfig", key + "=fd " + valueFd);
        }
    }

    /** fsconfig(2) FSCONFIG_CMD_CREATE: builds the superblock from the options given so far. */
    public static void fsconfigCreate(int fsFd) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            long rc = (long) invoke(SYSCALL6, st, SYS_FSCONFIG, (long) fsFd, (long) FSCONFIG_CMD_CREATE, 0L, 0L, 0L);
            check(rc < 0 ? -1 : 0, st, "fsconfig", "create");
        }
    }

    /** fsmount(2): a detached mount of the created superblock, close-on-exec. */
    public static int fsmount(int fsFd) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            long fd = (long) invoke(SYSCALL6, st, SYS_FSMOUNT, (long) fsFd, (long) FSMOUNT_CLOEXEC, 0L, 0L, 0L);
            check(fd < 0 ? -1 : 0, st, "fsmount", "fd " + fsFd);
            return (int) fd;
        }
    }

    /** move_mount(2): attaches the detached mount {@code mountFd} at {@code target}. */
    public static void moveMount(int mountFd, String target) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            long rc = (long) invoke(SYSCALL6, st, SYS_MOVE_MOUNT, (long) mountFd, a.allocateFrom("").address(),
                    (long) AT_FDCWD, a.allocateFrom(target).address(), (long) MOVE_MOUNT_F_EMPTY_PATH);
            check(rc < 0 ? -1 : 0, st, "move_mount", target);
        }
    }

    // llistxattr (added for the image unpacker: a directory a layer only implies takes the xattrs of
    // the lower directory it hides). The kernel caps a name list at XATTR_LIST_MAX, 64 KiB.
    private static final MethodHandle LLISTXATTR = bind("llistxattr", FunctionDescriptor.of(LONG, PTR, PTR, LONG));
    private static final int XATTR_LIST_MAX = 65536;

    /** The names of the extended attributes of {@code path} itself (a symlink is not followed). */
    public static java.util.List<String> llistxattr(String path) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            MemorySegment buf = a.allocate(XATTR_LIST_MAX);
            long n = (long) invoke(LLISTXATTR, st, str(a, path), buf, (long) XATTR_LIST_MAX);
            check(n < 0 ? -1 : 0, st, "llistxattr", path);
            byte[] list = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            java.util.List<String> names = new java.util.ArrayList<>();
            for (int start = 0, i = 0; i < list.length; i++) {
                if (list[i] == 0) { // each name ends with a NUL
                    names.add(new String(list, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return names;
        }
    }

    private static final long SYS_SETRESUID = 117;

    /**
     * setresuid(2) for the calling thread only. Linux keeps credentials per
     * thread; glibc's setresuid changes every thread of the process, the raw
     * system call does not. For a short-lived platform thread that must act
     * as another user (e.g. the owner of a user namespace's IPC sysctls);
     * -1 leaves an id as it is.
     */
    public static void setresuidThisThread(long ruid, long euid, long suid) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            long rc = (long) invoke(SYSCALL, st, SYS_SETRESUID, ruid, euid, suid, 0L);
            check(rc < 0 ? -1 : 0, st, "setresuid", ruid + "," + euid + "," + suid);
        }
    }

    public static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) STRERROR.invokeExact(errno);
            return p.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static MemorySegment str(Arena a, String s) {
        return s == null ? MemorySegment.NULL : a.allocateFrom(s);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO_HANDLE.get(state, 0L);
    }

    private static void check(int rc, MemorySegment state, String call, String target) throws ErrnoException {
        if (rc < 0) {
            int e = errno(state);
            throw new ErrnoException(call, target, e, strerror(e));
        }
    }

    private static Object invoke(MethodHandle h, Object... args) {
        try {
            return h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
