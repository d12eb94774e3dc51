package io.berth.runtime.stream.runtime;

import java.nio.file.Path;

/**
 * A ready sandbox's network namespace.
 *
 * @param netns the pinned netns, or null for a host-network pod
 */
public record PodNetns(String id, Path netns) {

    public boolean hostNetwork() {
        return netns == null;
    }
}
