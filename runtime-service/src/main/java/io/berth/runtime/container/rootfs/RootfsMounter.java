package io.berth.runtime.container.rootfs;

import io.berth.runtime.oci.UserNamespaceSpec;
import io.berth.runtime.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Mounts a container's rootfs: an overlay of the image's snapshot chain (lowest
 * last) plus the container's own upper and work directories. An interface so
 * unit tests can record instead of mount.
 */
public interface RootfsMounter {

    /**
     * @param base      the directory lowerdirs are resolved against (keeps 100+ layers under a page of options)
     * @param lowerDirs the chain's snapshot directories, top-most first
     */
    record Request(Path base, List<Path> lowerDirs, Path upper, Path work, Path target, Idmap idmap) {
        public Request {
            lowerDirs = List.copyOf(lowerDirs);
        }

        public Request(Path base, List<Path> lowerDirs, Path upper, Path work, Path target) {
            this(base, lowerDirs, upper, work, target, null);
        }
    }

    /**
     * The rootfs of a container in a pod with its own user namespace: the
     * layers are idmapped through it, and the upper directory belongs to the
     * host ids that container root maps to.
     *
     * @param userns  the pod's pinned user namespace
     * @param rootUid the host uid of container uid 0
     * @param rootGid the host gid of container gid 0
     */
    record Idmap(Path userns, long rootUid, long rootGid) {

        /** The pod's idmap, or null for a pod in the host's user namespace. */
        public static Idmap of(Sandbox sandbox) {
            String user = sandbox.namespaces().user();
            if (user == null) {
                return null;
            }
            var options = sandbox.parsedConfig().getLinux().getSecurityContext().getNamespaceOptions();
            UserNamespaceSpec.Mappings m = UserNamespaceSpec.validate(options.getUsernsOptions(),
                    "pod sandbox " + sandbox.id() + " userns_options");
            return new Idmap(Path.of(user), m.uid().hostId(), m.gid().hostId());
        }
    }

    void mount(Request request) throws IOException;

    /** Unmounts {@code target}; succeeds when nothing is mounted there. */
    void unmount(Path target) throws IOException;

    boolean isMounted(Path target) throws IOException;
}
