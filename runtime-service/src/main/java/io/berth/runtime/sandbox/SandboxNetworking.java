package io.berth.runtime.sandbox;

import io.berth.cni.PodNetworkRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The OS boundary for a pod's network: its pinned network namespace and the
 * CNI ADD/DEL that wire it. {@link CniSandboxNetworking} backs it with
 * cni-bridge; unit tests use a fake. Teardown methods are idempotent: DEL of
 * a pod that was never added, or removal of a netns that is gone, succeeds.
 */
public interface SandboxNetworking {

    /** What CNI ADD gave: primary IP (IPv4 first), more IPs, the whole result as JSON. */
    record Attachment(String ip, List<String> additionalIps, String resultJson) {
    }

    /**
     * Where the sandbox's network namespace is pinned (where `ip netns` finds
     * it); a function of the id alone, so that recovery can find it from a
     * record written before the namespace existed.
     */
    Path netnsPath(String sandboxId);

    /** Creates and pins a new network namespace at {@link #netnsPath}. */
    void createNetns(String sandboxId) throws IOException;

    /**
     * Pins, at {@link #netnsPath}, the network namespace that process
     * {@code pid} made (a user-namespaced pod's infra, so that the pod's user
     * namespace owns it).
     */
    void adoptNetns(String sandboxId, long pid) throws IOException;

    /** Unpins and deletes the network namespace of the sandbox; missing is fine. */
    void removeNetns(String sandboxId) throws IOException;

    /** Whether the pinned netns still exists (gone after a reboot). */
    boolean netnsExists(Path netns);

    /**
     * CNI ADD with the network's plugin chain. On failure the chain has been
     * DELeted already; the caller still calls {@link #tearDown} in its rollback.
     */
    Attachment setUp(PodNetworkRequest request) throws IOException;

    /** CNI DEL with what ADD recorded (also after a restart): releases IPs, host ports and links. */
    void tearDown(String sandboxId) throws IOException;
}
