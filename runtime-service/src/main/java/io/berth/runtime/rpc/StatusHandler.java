package io.berth.runtime.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.berth.common.error.InternalException;
import io.berth.cri.v1.RuntimeCondition;
import io.berth.cri.v1.RuntimeHandler;
import io.berth.cri.v1.RuntimeHandlerFeatures;
import io.berth.cri.v1.RuntimeStatus;
import io.berth.cri.v1.StatusRequest;
import io.berth.cri.v1.StatusResponse;
import io.berth.runtime.container.runtime.HandlerFeatures;
import io.berth.runtime.grpc.UnaryHandler;

/**
 * Status: the RuntimeReady and NetworkReady conditions the kubelet requires
 * (api.proto, RuntimeStatus), and with verbose the effective configuration.
 */
public final class StatusHandler implements UnaryHandler<StatusRequest, StatusResponse> {

    static final String RUNTIME_READY = "RuntimeReady";
    static final String NETWORK_READY = "NetworkReady";


    private final RuntimeContext context;

    public StatusHandler(RuntimeContext context) {
        this.context = context;
    }

    @Override
    public StatusResponse handle(StatusRequest request) {
        NetworkStatus.Readiness network = context.network().readiness();
        StatusResponse.Builder response = StatusResponse.newBuilder()
                .setStatus(RuntimeStatus.newBuilder()
                        // Serving this RPC is the proof: berthd has no other start-up phase yet.
                        .addConditions(condition(RUNTIME_READY, true, "", ""))
                        .addConditions(condition(NETWORK_READY, network.ready(), network.reason(),
                                network.message())));
        if (context.pods() != null) {
            response.addAllRuntimeHandlers(HandlerFeatures.of(context.pods().runtimes()));
        } else {
            // The default handler (empty name) is the configured OCI runtime.
            response.addRuntimeHandlers(RuntimeHandler.newBuilder()
                    .setName("")
                    .setFeatures(RuntimeHandlerFeatures.getDefaultInstance()));
        }
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
}
