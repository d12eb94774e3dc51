package io.berth.runtime.oci;

import io.berth.common.exec.CommandRunner;
import io.berth.cri.v1.RuntimeHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What each runtime handler's OCI runtime can do, probed once at start-up and
 * then shared by the spec generator (which refuses what the handler's runtime
 * lacks) and by Status (which reports exactly the same answers), so the two can
 * never disagree. A handler nobody probed claims nothing.
 */
public final class ProbedRuntimes {

    /** How to ask one handler's runtime: its binary and the global options placed before {@code features}. */
    public record Binary(String path, List<String> globalArgs) {

        public Binary {
            globalArgs = List.copyOf(globalArgs);
        }
    }

    private final Map<String, RuntimeFeatures> byHandler;
    private final String defaultName;

    /** @param byHandler the answers by handler name; {@code defaultName} is what "" means */
    public ProbedRuntimes(Map<String, RuntimeFeatures> byHandler, String defaultName) {
        this.byHandler = new LinkedHashMap<>(byHandler);
        this.defaultName = defaultName;
    }

    /** No handler probed: every handler claims nothing (tests, and berthd without node services). */
    public static ProbedRuntimes none() {
        return new ProbedRuntimes(Map.of(), "");
    }

    /**
     * Probes every handler at once: each probe is one or two short execs, and
     * berthd's start-up waits for the slowest, not for their sum.
     */
    public static ProbedRuntimes probe(Map<String, Binary> handlers, String defaultName, CommandRunner runner) {
        Map<String, Future<RuntimeFeatures>> pending = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            handlers.forEach((name, b) -> pending.put(name,
                    pool.submit(() -> RuntimeFeatures.probe(b.path(), b.globalArgs(), runner))));
            Map<String, RuntimeFeatures> out = new LinkedHashMap<>();
            for (var e : pending.entrySet()) {
                out.put(e.getKey(), await(e.getValue()));
            }
            return new ProbedRuntimes(out, defaultName);
        }
    }

    /** RuntimeFeatures.probe never throws, so a failure here is an interrupt: claim nothing. */
    private static RuntimeFeatures await(Future<RuntimeFeatures> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RuntimeFeatures.unprobed();
        } catch (ExecutionException e) {
            return RuntimeFeatures.unprobed();
        }
    }

    /** "" is the default handler; an unknown or unprobed handler gets {@link RuntimeFeatures#unprobed()}. */
    public RuntimeFeatures forHandler(String handler) {
        String name = handler == null || handler.isEmpty() ? defaultName : handler;
        RuntimeFeatures f = byHandler.get(name);
        return f == null ? RuntimeFeatures.unprobed() : f;
    }

    /**
     * Status.runtime_handlers: "" (the default, api.proto: the handler used when
     * a pod names none) first, then every configured handler by name.
     */
    public List<RuntimeHandler> toCri() {
        List<RuntimeHandler> out = new ArrayList<>();
        out.add(handler("", forHandler("")));
        byHandler.forEach((name, f) -> out.add(handler(name, f)));
        return out;
    }

    private static RuntimeHandler handler(String name, RuntimeFeatures f) {
        return RuntimeHandler.newBuilder().setName(name).setFeatures(f.toCri()).build();
    }
}
