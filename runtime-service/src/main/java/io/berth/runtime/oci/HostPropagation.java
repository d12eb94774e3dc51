package io.berth.runtime.oci;

import io.berth.common.error.InternalException;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.MountPropagation;
import io.berth.common.os.ErrnoException;
import io.berth.common.os.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes a volume's host source able to propagate mounts. An rslave volume
 * only sees later host mounts when its source mount is shared (or a slave of
 * one), and an rshared volume needs a shared source; on a host whose root is
 * private (as here), the source's mount point is made shared first.
 */
public final class HostPropagation {

    private final Path mountinfo;

    public HostPropagation() {
        this(Path.of("/proc/self/mountinfo"));
    }

    HostPropagation(Path mountinfo) {
        this.mountinfo = mountinfo;
    }

    /**
     * Readies the host side of every volume that asks for propagation: rslave
     * sources must be shared or slaves, rshared ones shared. Called once the
     * spec is generated (so a refused request changes nothing on the host) and
     * before the runtime bind-mounts the sources.
     *
     * @throws InternalException naming the volume when its source cannot be made to propagate
     */
    public void prepare(ContainerConfig config) {
        for (Mount m : config.getMountsList()) {
            boolean shared = m.getPropagation() == MountPropagation.PROPAGATION_BIDIRECTIONAL;
            if (shared || m.getPropagation() == MountPropagation.PROPAGATION_HOST_TO_CONTAINER) {
                try {
                    ensure(Path.of(m.getHostPath()), shared);
                } catch (IOException e) {
                    throw new InternalException("volume " + m.getContainerPath() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** The mount point holding {@code path} and whether it is shared or a slave. */
    record MountPoint(String path, boolean shared, boolean slave) {
    }

    /** Makes {@code source}'s mount point shared unless it already propagates as {@code needShared} asks. */
    public void ensure(Path source, boolean needShared) throws IOException {
        MountPoint mp = find(source.toRealPath().toString());
        boolean ok = needShared ? mp.shared() : (mp.shared() || mp.slave());
        if (!ok) {
            try {
                Libc.mount(null, mp.path(), null, Libc.MS_SHARED, null);
            } catch (ErrnoException e) {
                throw new IOException("cannot make mount point " + mp.path() + " of " + source
                        + " shared for volume propagation: " + e.getMessage(), e);
            }
        }
    }

    MountPoint find(String realPath) throws IOException {
        MountPoint best = null;
        for (String line : Files.readAllLines(mountinfo)) {
            String[] f = line.split(" ");
            if (f.length < 7) {
                continue;
            }
            String mp = unescape(f[4]);
            if (covers(mp, realPath) && (best == null || mp.length() >= best.path().length())) {
                List<String> optional = List.of(f).subList(6, List.of(f).indexOf("-"));
                boolean shared = optional.stream().anyMatch(o -> o.startsWith("shared:"));
                boolean slave = optional.stream().anyMatch(o -> o.startsWith("master:"));
                best = new MountPoint(mp, shared, slave);
            }
        }
        if (best == null) {
            throw new IOException("no mount point holds " + realPath);
        }
        return best;
    }

    private static boolean covers(String mountPoint, String path) {
        return mountPoint.equals("/") || path.equals(mountPoint) || path.startsWith(mountPoint + "/");
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
