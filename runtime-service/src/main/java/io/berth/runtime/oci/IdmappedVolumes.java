package io.berth.runtime.oci;

import io.berth.common.error.InternalException;
import io.berth.common.os.ErrnoException;
import io.berth.common.os.Libc;
import io.berth.common.os.Mounts;
import io.berth.cri.v1.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Idmapped volumes made by berthd, for runtimes that cannot idmap a bind
 * mount themselves (runc before 1.2). Each volume of a user-namespaced pod
 * is cloned (open_tree, with its submounts), idmapped through the pod's
 * pinned user namespace (mount_setattr) and attached at
 * {@code <root>/idmap-volumes/<container id>/<index>} ({@link #stageDir}),
 * which the spec names as the bind source ({@link VolumeIdmap}). The copies
 * are unmounted with the rootfs ({@link #unstage}): every path that unmounts a
 * container's rootfs (removal, rollback, the start-up sweep of orphaned
 * bundles) takes them along.
 */
public final class IdmappedVolumes {

    private IdmappedVolumes() {
    }

    /** Whether berthd makes the idmapped copies: a pod user namespace, a runtime that cannot, volumes. */
    static boolean stagedByBerth(SpecInput in, UserNamespaceSpec.Mappings userns) {
        return userns != null && !in.host().runtime().idmapMounts() && in.namespaces().usernsPath() != null
                && in.config().getMountsCount() > 0;
    }

    /**
     * Where a container's copies live: {@code <root>/idmap-volumes/<id>} for the rootfs
     * {@code <root>/containers/<id>/rootfs}. Outside the bundle on purpose: a bundle is deleted
     * recursively, even by a rollback that goes on after a failed unmount, and a recursive delete
     * through a copy still mounted would delete the volume's files. Here nothing deletes recursively.
     */
    public static Path stageDir(Path rootfs) {
        Path bundle = rootfs.toAbsolutePath().getParent();
        Path containers = bundle.getParent();
        return containers.resolveSibling("idmap-volumes").resolve(bundle.getFileName().toString());
    }

    /**
     * Makes the copies the generated spec names. Called once the spec is
     * generated, so a refused request mounts nothing; the caller's rollback
     * unmounts the rootfs and with it these ({@link #unstage}).
     *
     * @throws InternalException naming the volume whose copy cannot be made
     */
    public static void stage(SpecInput in) {
        UserNamespaceSpec.Mappings userns = UserNamespaceSpec.forContainer(in);
        if (!stagedByBerth(in, userns)) {
            return;
        }
        Path dir = stageDir(in.rootfs());
        List<Mount> volumes = in.config().getMountsList();
        int ns;
        try {
            ns = Libc.open(in.namespaces().usernsPath(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        } catch (ErrnoException e) {
            throw new InternalException("container " + in.containerId() + ": cannot open the pod's user namespace "
                    + in.namespaces().usernsPath() + ": " + e.getMessage(), e);
        }
        try {
            for (int i = 0; i < volumes.size(); i++) {
                Mount m = volumes.get(i);
                if (m.getUidMappingsCount() == 0 && m.getGidMappingsCount() == 0) {
                    stageOne(m, dir.resolve(Integer.toString(i)), ns);
                }
            }
        } finally {
            Libc.close(ns);
        }
    }

    private static void stageOne(Mount m, Path target, int usernsFd) {
        try {
            Path source = Path.of(m.getHostPath()).toRealPath();
            Files.createDirectories(target.getParent());
            if (Files.isDirectory(source)) {
                Files.createDirectory(target);
            } else {
                Files.createFile(target);
            }
            int clone = Libc.openTreeClone(source.toString(), true);
            try {
                Libc.mountSetattrIdmap(clone, usernsFd, true);
                Libc.moveMount(clone, target.toString());
            } finally {
                Libc.close(clone);
            }
        } catch (IOException e) {
            throw new InternalException("volume " + m.getContainerPath() + ": cannot make an idmapped copy of "
                    + m.getHostPath() + " for the pod's user namespace: " + e.getMessage(), e);
        }
    }

    /**
     * Unmounts and deletes every copy beside {@code rootfs}; nothing there is
     * fine. Deletes only empty mount points and fails while one is still
     * mounted, so it never reaches into a volume.
     */
    public static void unstage(Path rootfs) throws IOException {
        Path dir = stageDir(rootfs);
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> copies;
        try (var s = Files.list(dir)) {
            copies = s.toList();
        }
        for (Path p : copies) {
            Mounts.detachAndDelete(p);
        }
        Files.deleteIfExists(dir);
    }
}
