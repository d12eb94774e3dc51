package io.berth.runtime.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.berth.common.error.InternalException;
import io.berth.cri.v1.RuntimeCondition;
import io.berth.cri.v1.RuntimeFeatures;
import io.berth.cri.v1.RuntimeStatus;
import io.berth.cri.v1.StatusRequest;
import io.berth.cri.v1.StatusResponse;
import io.berth.runtime.grpc.UnaryHandler;
import io.berth.runtime.oci.ProbedRuntimes;
import io.berth.runtime.oci.RuntimeBinaryCheck;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Status: the RuntimeReady and NetworkReady conditions the kubelet requires
 * (api.proto, RuntimeStatus), checked again at each call; the runtime
 * handlers with the features their OCI runtime was probed to have (the same
 * answers the spec generator goes by); and with verbose the effective
 * configuration.
 */
public final class StatusHandler implements UnaryHandler<StatusRequest, StatusResponse> {

    static final String RUNTIME_READY = "RuntimeReady";
    static final String NETWORK_READY = "NetworkReady";

    /**
     * The kubelet asks every few seconds and the network check runs each CNI
     * plugin's VERSION and STATUS: a short memory keeps that off every call
     * while a broken network still shows within seconds.
     */
    static final Duration NETWORK_TTL = Duration.ofSeconds(2);

    private final RuntimeContext context;
    private final Supplier<RuntimeBinaryCheck.Result> runtime;
    private final Supplier<NetworkStatus.Readiness> network;

    public StatusHandler(RuntimeContext context) {
        this(context, defaultRuntimeCheck(context)::check, System::nanoTime);
    }

    StatusHandler(RuntimeContext context, Supplier<RuntimeBinaryCheck.Result> runtime, LongSupplier nanos) {
        this.context = context;
        this.runtime = runtime;
        this.network = new Recent<>(() -> context.network().readiness(), NETWORK_TTL, nanos);
    }

    /** The binary of {@code default_runtime}: what a pod without a RuntimeClass runs with. */
    static RuntimeBinaryCheck defaultRuntimeCheck(RuntimeContext context) {
        var cfg = context.config();
        var rt = cfg.runtimes().get(cfg.defaultRuntime());
        return RuntimeBinaryCheck.system(cfg.defaultRuntime(), rt == null ? cfg.defaultRuntime() : rt.path());
    }

    @Override
    public StatusResponse handle(StatusRequest request) {
        RuntimeBinaryCheck.Result rt = runtime.get();
        NetworkStatus.Readiness net = network.get();
        ProbedRuntimes probed = context.pods() != null ? context.pods().features() : ProbedRuntimes.none();
        StatusResponse.Builder response = StatusResponse.newBuilder()
                .setStatus(RuntimeStatus.newBuilder()
                        .addConditions(condition(RUNTIME_READY, rt.ready(), rt.reason(), rt.message()))
                        .addConditions(condition(NETWORK_READY, net.ready(), net.reason(), net.message())))
                .addAllRuntimeHandlers(probed.toCri())
                // Merge and Strict are both implemented (oci ProcessSpec, UserResolver) and checked from
                // inside real containers; user namespaces with the host's network are not.
                .setFeatures(RuntimeFeatures.newBuilder().setSupplementalGroupsPolicy(true)
                        .setUserNamespacesHostNetwork(false));
        if (request.getVerbose()) {
            response.putInfo("config", configJson());
            response.putInfo("podCIDR", String.join(",", context.podCidrs().current()));
        }
        return response.build();
    }

    private String configJson() {
        try {
            return Json.MAPPER.writeValueAsString(context.config());
        } catch (JsonProcessingException e) {
            throw new InternalException("cannot render the configuration as JSON", e);
        }
    }

    /** Built on the first verbose call, not at start-up, where every millisecond counts. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    }

    private static RuntimeCondition condition(String type, boolean status, String reason, String message) {
        return RuntimeCondition.newBuilder()
                .setType(type).setStatus(status).setReason(reason).setMessage(message).build();
    }

    /** A value computed at most once per {@code ttl}; concurrent callers wait for the one computation. */
    static final class Recent<T> implements Supplier<T> {

        private final Supplier<T> source;
        private final long ttlNanos;
        private final LongSupplier nanos;
        private T value;
        private long at;

        Recent(Supplier<T> source, Duration ttl, LongSupplier nanos) {
            this.source = source;
            this.ttlNanos = ttl.toNanos();
            this.nanos = nanos;
        }

        @Override
        public synchronized T get() {
            long now = nanos.getAsLong();
            if (value == null || now - at >= ttlNanos) {
                value = source.get();
                at = now;
            }
            return value;
        }
    }
}
