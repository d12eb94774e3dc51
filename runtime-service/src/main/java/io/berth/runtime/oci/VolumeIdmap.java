package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.IDMapping;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.MountPropagation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Idmapped volumes. In a user-namespaced pod a volume's files must appear
 * with the pod's ids, so each CRI volume is idmapped with the Mount's own
 * mappings or else the pod's. A runtime that cannot idmap gets a copy that
 * berthd idmapped with the pod's user namespace ({@link IdmappedVolumes});
 * a Mount's own mappings on such a runtime are refused rather than showing
 * every file as the overflow id.
 */
final class VolumeIdmap {

    private VolumeIdmap() {
    }

    static void apply(Mount m, MountSpec.VolumeRules rules, ObjectNode n, int index) {
        boolean own = m.getUidMappingsCount() > 0 || m.getGidMappingsCount() > 0;
        if (!own && rules.userns() == null) {
            return;
        }
        String field = "mount " + m.getContainerPath();
        if (!own && rules.stageDir() != null) {
            stagedByBerth(m, field, n, rules.stageDir().resolve(Integer.toString(index)));
            return;
        }
        RuntimeFeatures rt = rules.runtime();
        if (!rt.idmapMounts()) {
            throw new InvalidArgumentException(field + " needs an idmapped mount"
                    + (own ? " (uidMappings/gidMappings)" : " in a user-namespaced pod") + ", which OCI runtime "
                    + (rt.runtime().isEmpty() ? "(unprobed)" : rt.runtime()) + " on kernel " + rt.kernel()
                    + " cannot do");
        }
        List<UserNamespaceSpec.Mapping> uids = own ? parse(m.getUidMappingsList(), field + " uidMappings")
                : List.of(rules.userns().uid());
        List<UserNamespaceSpec.Mapping> gids = own ? parse(m.getGidMappingsList(), field + " gidMappings")
                : List.of(rules.userns().gid());
        UserNamespaceSpec.putMappings(n, "uidMappings", uids);
        UserNamespaceSpec.putMappings(n, "gidMappings", gids);
        String option = rt.idmapOption();
        if (option != null) {
            ((ArrayNode) n.get("options")).add(option);
        }
    }

    /**
     * The runtime cannot idmap (runc before 1.2): berthd mounts an idmapped
     * copy of the volume at {@code staged} (IdmappedVolumes.stage) and the
     * runtime binds that. The copy is a mount of its own, so it cannot follow
     * later host mounts: only private propagation is possible.
     */
    private static void stagedByBerth(Mount m, String field, ObjectNode n, Path staged) {
        if (m.getPropagation() != MountPropagation.PROPAGATION_PRIVATE) {
            throw new InvalidArgumentException(field + ": propagation " + m.getPropagation() + " is not possible "
                    + "for a volume of a user-namespaced pod on this runtime (berth idmaps a private copy of it)");
        }
        n.put("source", staged.toString());
    }

    private static List<UserNamespaceSpec.Mapping> parse(List<IDMapping> list, String field) {
        if (list.isEmpty()) {
            throw new InvalidArgumentException(field + ": an idmapped mount needs both uid and gid mappings");
        }
        List<UserNamespaceSpec.Mapping> out = new ArrayList<>();
        for (IDMapping i : list) {
            out.add(UserNamespaceSpec.mapping(i, field, false));
        }
        return out;
    }
}
