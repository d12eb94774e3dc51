package io.berth.runtime.container.image;

/** Where containers get their images from: the image service's store and snapshots. */
public interface ContainerImages {

    /**
     * @param image what the kubelet put in ContainerConfig.image.image: a name, id or id prefix
     * @throws io.berth.common.error.NotFoundException naming the image when it is not present
     *         or its snapshots are missing
     */
    ResolvedImage resolve(String image);
}
