package io.berth.runtime.container;

import io.berth.cri.v1.ContainerConfig;
import io.berth.runtime.container.image.ImageConfigView;
import io.berth.runtime.sandbox.Sandbox;
import java.nio.file.Path;

/**
 * Makes a container's OCI config.json. The real implementation adapts
 * io.berth.runtime.oci.OciSpecGenerator (the one generator; this package never
 * builds a spec itself); unit tests use a fake.
 */
public interface ContainerSpecs {

    /**
     * @param imageId     the image's id (config digest)
     * @param imageName   the image as the kubelet named it
     * @param rootfs      the mounted rootfs (its /etc/passwd and /etc/group resolve users)
     * @param cgroupsPath the OCI linux.cgroupsPath under the pod cgroup
     * @param targetPidNs {@code /proc/PID/ns/pid} of the target container when the pid
     *                    namespace mode is TARGET, else null
     */
    record Request(String containerId, ContainerConfig config, Sandbox sandbox, ImageConfigView image,
                   String imageId, String imageName, Path rootfs, String cgroupsPath, String targetPidNs) {
    }

    /**
     * @throws io.berth.common.error.InvalidArgumentException for a config that cannot run,
     *         naming what is wrong (a missing host path, an unknown user)
     */
    byte[] configJson(Request request);
}
