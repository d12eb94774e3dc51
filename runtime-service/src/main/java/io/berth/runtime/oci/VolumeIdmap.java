package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.IDMapping;
import io.berth.cri.v1.Mount;
import java.util.ArrayList;
import java.util.List;

/**
 * Idmapped volumes. In a user-namespaced pod a volume's files must appear
 * with the pod's ids, so each CRI volume is idmapped with the Mount's own
 * mappings or else the pod's; a runtime that cannot idmap refuses the mount
 * rather than showing every file as the overflow id.
 */
final class VolumeIdmap {

    private VolumeIdmap() {
    }

    static void apply(Mount m, MountSpec.VolumeRules rules, ObjectNode n) {
        boolean own = m.getUidMappingsCount() > 0 || m.getGidMappingsCount() > 0;
        if (!own && rules.userns() == null) {
            return;
        }
        String field = "mount " + m.getContainerPath();
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
