package io.berth.runtime.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.cri.v1.ContainerStats;
import io.berth.cri.v1.ImageServiceGrpc;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.StreamContainerStatsRequest;
import io.berth.cri.v1.StreamContainerStatsResponse;
import io.berth.cri.v1.VersionResponse;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceRouterTest {

    @Test
    void unregisteredRpcsAnswerUnimplementedNamingTheRpc() throws Exception {
        for (ServiceDescriptor service : List.of(RuntimeServiceGrpc.getServiceDescriptor(),
                ImageServiceGrpc.getServiceDescriptor())) {
            try (InProcessCri cri = new InProcessCri(ServiceRouter.allUnimplemented(service))) {
                for (MethodDescriptor<?, ?> method : service.getMethods()) {
                    Status status = GenericCalls.callEmpty(cri.channel(), method);
                    String name = ServiceRouter.shortName(method.getFullMethodName());
                    assertEquals(Status.Code.UNIMPLEMENTED, status.getCode(), name);
                    assertEquals(name + " is not implemented by this berthd yet", status.getDescription());
                }
            }
        }
    }

    @Test
    void streamingHandlerSendsEveryResponseThenCompletes() throws Exception {
        ServiceRouter router = ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor())
                .serverStreaming(RuntimeServiceGrpc.getStreamContainerStatsMethod(), (request, out) -> {
                    for (int i = 0; i < 3; i++) {
                        out.send(StreamContainerStatsResponse.newBuilder()
                                .addContainerStats(ContainerStats.getDefaultInstance()).build());
                    }
                })
                .build();
        try (InProcessCri cri = new InProcessCri(router)) {
            List<StreamContainerStatsResponse> got = new ArrayList<>();
            RuntimeServiceGrpc.newBlockingStub(cri.channel())
                    .streamContainerStats(StreamContainerStatsRequest.getDefaultInstance())
                    .forEachRemaining(got::add);
            assertEquals(3, got.size());
            assertEquals(List.of(new InProcessCri.Outcome("RuntimeService/StreamContainerStats", Status.Code.OK)),
                    cri.outcomes());
        }
    }

    @Test
    void aSecondHandlerForOneRpcIsRejected() {
        ServiceRouter.Builder builder = ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor())
                .unary(RuntimeServiceGrpc.getVersionMethod(), r -> VersionResponse.getDefaultInstance());
        assertThrows(IllegalStateException.class,
                () -> builder.unary(RuntimeServiceGrpc.getVersionMethod(), r -> VersionResponse.getDefaultInstance()));
    }

    @Test
    void aHandlerForAnotherServicesRpcIsRejected() {
        ServiceRouter.Builder builder = ServiceRouter.builder(ImageServiceGrpc.getServiceDescriptor());
        assertThrows(IllegalArgumentException.class,
                () -> builder.unary(RuntimeServiceGrpc.getVersionMethod(), r -> VersionResponse.getDefaultInstance()));
    }

    @Test
    void aStreamingRpcCannotGetAUnaryHandler() {
        ServiceRouter.Builder builder = ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor());
        assertThrows(IllegalArgumentException.class, () -> builder.unary(
                RuntimeServiceGrpc.getStreamContainerStatsMethod(), r -> StreamContainerStatsResponse.getDefaultInstance()));
    }

    @Test
    void shortNameDropsThePackage() {
        assertEquals("RuntimeService/Version", ServiceRouter.shortName("runtime.v1.RuntimeService/Version"));
    }
}
