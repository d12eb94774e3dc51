package io.berth.cni.spec;

/**
 * One interface from a CNI result. {@code sandbox} is set for interfaces
 * inside the pod's netns and empty for host-side ones (veth peer, bridge).
 */
public record CniInterface(String name, String mac, Integer mtu, String sandbox, String socketPath,
                           String pciId) {

    public boolean inSandbox() {
        return sandbox != null && !sandbox.isEmpty();
    }
}
