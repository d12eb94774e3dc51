package io.berth.cni;

import io.berth.cni.config.NetworkConfigList;
import io.berth.cni.exec.CniExecutor;
import io.berth.cni.exec.RuntimeConf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Brings up the pod's {@code lo} with the loopback plugin, alongside the main
 * chain (they touch different interfaces of the netns, so they may overlap).
 * There is no DEL for it: lo holds nothing on the host and dies with the netns.
 */
final class Loopback {

    static final NetworkConfigList LIST = NetworkConfigList.parse(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"berth-loopback\",\"plugins\":[{\"type\":\"loopback\"}]}"
                    .getBytes(StandardCharsets.UTF_8), Path.of("(built in)"));

    private Loopback() {
    }

    static CompletableFuture<Void> upAsync(CniExecutor executor, RuntimeConf pod) {
        RuntimeConf lo = new RuntimeConf(pod.containerId(), pod.netns(), "lo", pod.args(), Map.of());
        CompletableFuture<Void> f = new CompletableFuture<>();
        Thread.ofVirtual().name("cni-loopback").start(() -> {
            try {
                executor.add(LIST, lo);
                f.complete(null);
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * Waits for the loopback ADD. Returns its failure, or null; when the main
     * chain already failed ({@code primary}), a loopback failure is attached
     * to that one instead and null is returned.
     */
    static RuntimeException await(CompletableFuture<Void> f, RuntimeException primary) {
        RuntimeException failure;
        try {
            f.get();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IllegalStateException("interrupted while bringing up lo", e);
        } catch (ExecutionException e) {
            failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
        if (primary != null) {
            primary.addSuppressed(failure);
            return null;
        }
        return failure;
    }
}
