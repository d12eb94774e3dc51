package io.berth.image.pull;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per chain id, so two pulls of images that share a layer unpack
 * it once: the second waits and then finds the snapshot committed.
 */
final class UnpackLocks {

    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    ReentrantLock lockFor(String chainId) {
        return locks.computeIfAbsent(chainId, k -> new ReentrantLock());
    }
}
