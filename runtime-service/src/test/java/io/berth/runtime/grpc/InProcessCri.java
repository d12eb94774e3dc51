package io.berth.runtime.grpc;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An in-process gRPC server wired like berthd's (every service behind the
 * {@link ErrorMappingInterceptor}), with a recorder that keeps each outcome.
 */
public final class InProcessCri implements AutoCloseable {

    /** One finished RPC as the interceptor reported it. */
    public record Outcome(String method, Status.Code code) {
    }

    private final Server server;
    private final ManagedChannel channel;
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

    public InProcessCri(BindableService... services) {
        String name = InProcessServerBuilder.generateName();
        ErrorMappingInterceptor interceptor = new ErrorMappingInterceptor(
                (method, code, nanos) -> outcomes.add(new Outcome(method, code)));
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
        for (BindableService s : services) {
            builder.addService(ServerInterceptors.intercept(s, interceptor));
        }
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = InProcessChannelBuilder.forName(name).build();
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** Outcomes reported so far; the interceptor reports just before the client sees the status. */
    public List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
