package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.IDMapping;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.UserNamespace;
import java.util.List;

/**
 * The CRI's user namespace options (api.proto, UserNamespace): NODE keeps the
 * host's, POD gives the pod one namespace with exactly one uid and one gid
 * range, each mapping container id 0. CONTAINER and TARGET are not defined for
 * user namespaces by the kubelet and are refused.
 */
public final class UserNamespaceSpec {

    /** One validated range: container ids [containerId, containerId+size) are host ids [hostId, ...). */
    public record Mapping(long containerId, long hostId, long size) {
    }

    /** A validated POD-mode request. */
    public record Mappings(Mapping uid, Mapping gid) {
    }

    private static final long ID_SPACE = 1L << 32;

    private UserNamespaceSpec() {
    }

    /**
     * Validates the options; empty (null) for NODE, the mappings for POD.
     * The sandbox calls this too, so a bad request fails before anything exists.
     *
     * @param field the CRI field path for messages, e.g. "namespace_options.userns_options"
     */
    public static Mappings validate(UserNamespace u, String field) {
        NamespaceMode mode = u.getMode();
        if (mode == NamespaceMode.NODE) {
            if (u.getUidsCount() > 0 || u.getGidsCount() > 0) {
                throw new InvalidArgumentException(field + ": mode NODE takes no id mappings");
            }
            return null;
        }
        if (mode != NamespaceMode.POD) {
            throw new InvalidArgumentException(field + ".mode " + mode
                    + " is not supported for user namespaces (POD or NODE)");
        }
        return new Mappings(only(u.getUidsList(), field + ".uids"), only(u.getGidsList(), field + ".gids"));
    }

    private static Mapping only(List<IDMapping> list, String field) {
        if (list.size() != 1) {
            throw new InvalidArgumentException(field + ": exactly one mapping is supported, got " + list.size());
        }
        return mapping(list.getFirst(), field, true);
    }

    /** One mapping; {@code needsRoot} demands container id 0, which the pod's namespace must map. */
    static Mapping mapping(IDMapping m, String field, boolean needsRoot) {
        long c = Integer.toUnsignedLong(m.getContainerId());
        long h = Integer.toUnsignedLong(m.getHostId());
        long n = Integer.toUnsignedLong(m.getLength());
        if (needsRoot && c != 0) {
            throw new InvalidArgumentException(field + ": the mapping must start at container id 0, got " + c);
        }
        if (n == 0) {
            throw new InvalidArgumentException(field + ": a mapping of length 0 maps nothing");
        }
        if (c + n > ID_SPACE || h + n > ID_SPACE) {
            throw new InvalidArgumentException(field + ": mapping " + c + ":" + h + ":" + n
                    + " runs past the 32-bit id space");
        }
        return new Mapping(c, h, n);
    }

    /**
     * The container's user namespace: the pod's (userns_options POD), which
     * the sandbox made and pinned with the pod's net, IPC and UTS namespaces
     * inside it (a bundle with no pod namespaces at all gets a new one). The kubelet copies the pod's options into each container; a
     * container asking for another mapping than its pod's is refused, as is a
     * runtime or kernel without user namespaces, before anything is created.
     */
    static Mappings forContainer(SpecInput in) {
        var own = in.config().getLinux().getSecurityContext().getNamespaceOptions();
        var pod = in.podConfig().getLinux().getSecurityContext().getNamespaceOptions();
        Mappings podMappings = pod.hasUsernsOptions()
                ? validate(pod.getUsernsOptions(), "pod security_context.namespace_options.userns_options") : null;
        Mappings m = podMappings;
        if (own.hasUsernsOptions()) {
            m = validate(own.getUsernsOptions(), "security_context.namespace_options.userns_options");
            if (m != null && podMappings != null && !m.equals(podMappings)) {
                throw new InvalidArgumentException("security_context.namespace_options.userns_options: a container "
                        + "joins its pod's user namespace, so its mapping must be the pod's (" + podMappings + ")");
            }
        }
        if (m == null) {
            return null;
        }
        RuntimeFeatures rt = in.host().runtime();
        if (!rt.userNamespaces()) {
            // A valid request this node cannot serve (Status says so too: user_namespaces false).
            throw new FailedPreconditionException("pod sandbox " + in.sandboxId() + ": userns_options mode POD: "
                    + "OCI runtime " + (rt.runtime().isEmpty() ? "(unprobed)" : rt.runtime()) + " on kernel "
                    + rt.kernel() + " cannot run user namespaces with an idmapped rootfs");
        }
        SpecInput.NamespacePlan plan = in.namespaces();
        if (plan.usernsPath() == null && (plan.netns() != null || plan.ipc() != null)) {
            // Without the pod's own user namespace its pinned net and IPC namespaces belong to the host's,
            // where runc cannot mount sysfs or mqueue for the container's root (measured with runc 1.1.5).
            throw new FailedPreconditionException("userns_options mode POD: pod sandbox " + in.sandboxId()
                    + " has no user namespace of its own (it was created without userns_options)");
        }
        return m;
    }

    static void putMappings(ObjectNode parent, String name, List<Mapping> mappings) {
        ArrayNode a = parent.putArray(name);
        for (Mapping m : mappings) {
            a.addObject().put("containerID", m.containerId()).put("hostID", m.hostId()).put("size", m.size());
        }
    }
}
