package io.berth.runtime.grpc;

import io.berth.common.error.UnimplementedException;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.Map;

/**
 * A gRPC service assembled from one handler per RPC. Every method of the
 * service descriptor is bound: registered ones to their handler, the rest to
 * an answer of UNIMPLEMENTED naming the RPC. Registration is type-checked
 * against the generated {@link MethodDescriptor}, so a handler cannot be wired
 * to the wrong request type.
 */
public final class ServiceRouter implements BindableService {

    private final ServerServiceDefinition definition;

    private ServiceRouter(ServerServiceDefinition definition) {
        this.definition = definition;
    }

    public static Builder builder(ServiceDescriptor service) {
        return new Builder(service);
    }

    /** A service that answers UNIMPLEMENTED to every RPC. */
    public static ServiceRouter allUnimplemented(ServiceDescriptor service) {
        return builder(service).build();
    }

    @Override
    public ServerServiceDefinition bindService() {
        return definition;
    }

    /** "RuntimeService/Version" from "runtime.v1.RuntimeService/Version". */
    public static String shortName(String fullMethodName) {
        String service = MethodDescriptor.extractFullServiceName(fullMethodName);
        String bareService = service == null ? "" : service.substring(service.lastIndexOf('.') + 1);
        return bareService + "/" + MethodDescriptor.extractBareMethodName(fullMethodName);
    }

    public static final class Builder {
        private final ServiceDescriptor service;
        private final Map<String, ServerCallHandler<?, ?>> handlers = new HashMap<>();

        private Builder(ServiceDescriptor service) {
            this.service = service;
        }

        public <Q, R> Builder unary(MethodDescriptor<Q, R> method, UnaryHandler<Q, R> handler) {
            requireKind(method, MethodDescriptor.MethodType.UNARY);
            return put(method, ServerCalls.asyncUnaryCall((Q request, StreamObserver<R> out) -> {
                out.onNext(handler.handle(request));
                out.onCompleted();
            }));
        }

        public <Q, R> Builder serverStreaming(MethodDescriptor<Q, R> method, StreamingHandler<Q, R> handler) {
            requireKind(method, MethodDescriptor.MethodType.SERVER_STREAMING);
            return put(method, ServerCalls.asyncServerStreamingCall((Q request, StreamObserver<R> out) -> {
                ServerCallStreamObserver<R> call = (ServerCallStreamObserver<R>) out;
                handler.handle(request, new ResponseStream<>() {
                    @Override
                    public void send(R response) {
                        call.onNext(response);
                    }

                    @Override
                    public boolean isCancelled() {
                        return call.isCancelled();
                    }
                });
                if (!call.isCancelled()) {
                    call.onCompleted();
                }
            }));
        }

        public ServiceRouter build() {
            ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(service);
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                bind(definition, method);
            }
            return new ServiceRouter(definition.build());
        }

        @SuppressWarnings("unchecked")
        private <Q, R> void bind(ServerServiceDefinition.Builder definition, MethodDescriptor<Q, R> method) {
            ServerCallHandler<Q, R> handler = (ServerCallHandler<Q, R>) handlers.get(method.getFullMethodName());
            definition.addMethod(method, handler != null ? handler : unimplemented(method));
        }

        private static <Q, R> ServerCallHandler<Q, R> unimplemented(MethodDescriptor<Q, R> method) {
            String message = shortName(method.getFullMethodName()) + " is not implemented by this berthd yet";
            return method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING
                    ? ServerCalls.asyncServerStreamingCall((request, out) -> {
                        throw new UnimplementedException(message);
                    })
                    : ServerCalls.asyncUnaryCall((request, out) -> {
                        throw new UnimplementedException(message);
                    });
        }

        private Builder put(MethodDescriptor<?, ?> method, ServerCallHandler<?, ?> handler) {
            boolean ours = service.getMethods().stream()
                    .anyMatch(m -> m.getFullMethodName().equals(method.getFullMethodName()));
            if (!ours) {
                throw new IllegalArgumentException(method.getFullMethodName() + " is not part of "
                        + service.getName());
            }
            if (handlers.putIfAbsent(method.getFullMethodName(), handler) != null) {
                throw new IllegalStateException("two handlers for " + method.getFullMethodName());
            }
            return this;
        }

        private static void requireKind(MethodDescriptor<?, ?> method, MethodDescriptor.MethodType type) {
            if (method.getType() != type) {
                throw new IllegalArgumentException(method.getFullMethodName() + " is " + method.getType()
                        + ", not " + type);
            }
        }
    }
}
