package io.berth.runtime.sandbox;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.PodSandboxMetadata;

/** The kubelet's identity of a pod sandbox; unique per node as a whole. */
public record SandboxMetadata(String name, String uid, String namespace, int attempt) {

    /** Validates the kubelet's metadata: every part is required but the attempt. */
    public static SandboxMetadata of(PodSandboxMetadata m) {
        if (m == null || m.getName().isEmpty() || m.getUid().isEmpty() || m.getNamespace().isEmpty()) {
            throw new InvalidArgumentException("pod sandbox metadata needs a name, uid and namespace, got "
                    + (m == null ? "none" : "name=\"" + m.getName() + "\" uid=\"" + m.getUid()
                    + "\" namespace=\"" + m.getNamespace() + "\""));
        }
        return new SandboxMetadata(m.getName(), m.getUid(), m.getNamespace(), m.getAttempt());
    }

    public PodSandboxMetadata toProto() {
        return PodSandboxMetadata.newBuilder().setName(name).setUid(uid)
                .setNamespace(namespace).setAttempt(attempt).build();
    }

    /** The name reserved in the registrar, laid out as the kubelet names pods. */
    public String reservedName() {
        return name + "_" + namespace + "_" + uid + "_" + attempt;
    }
}
