package io.berth.runtime.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.AlreadyExistsException;
import io.berth.common.error.BerthException;
import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InternalException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.common.error.ResourceExhaustedException;
import io.berth.common.error.UnavailableException;
import io.berth.common.error.UnimplementedException;
import io.berth.cri.v1.ImageServiceGrpc;
import io.berth.cri.v1.ImageStatusRequest;
import io.berth.cri.v1.ImageStatusResponse;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.VersionRequest;
import io.berth.cri.v1.VersionResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ErrorMappingInterceptorTest {

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of((Supplier<BerthException>) () -> new NotFoundException("pod p1 not found"),
                        Status.Code.NOT_FOUND),
                Arguments.of((Supplier<BerthException>) () -> new AlreadyExistsException("name n taken"),
                        Status.Code.ALREADY_EXISTS),
                Arguments.of((Supplier<BerthException>) () -> new InvalidArgumentException("bad id"),
                        Status.Code.INVALID_ARGUMENT),
                Arguments.of((Supplier<BerthException>) () -> new FailedPreconditionException("c1 is running"),
                        Status.Code.FAILED_PRECONDITION),
                Arguments.of((Supplier<BerthException>) () -> new DeadlineExceededException("stop took too long"),
                        Status.Code.DEADLINE_EXCEEDED),
                Arguments.of((Supplier<BerthException>) () -> new UnavailableException("registry down"),
                        Status.Code.UNAVAILABLE),
                Arguments.of((Supplier<BerthException>) () -> new ResourceExhaustedException("disk full"),
                        Status.Code.RESOURCE_EXHAUSTED),
                Arguments.of((Supplier<BerthException>) () -> new UnimplementedException("Foo not yet"),
                        Status.Code.UNIMPLEMENTED),
                Arguments.of((Supplier<BerthException>) () -> new InternalException("state store broken"),
                        Status.Code.INTERNAL));
    }

    @Test
    void everyKindHasACode() {
        for (BerthException.Kind kind : BerthException.Kind.values()) {
            assertEquals(kind.name(), ErrorMappingInterceptor.codeOf(kind).getCode().name());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void thrownDomainExceptionBecomesItsCodeWithItsMessage(Supplier<BerthException> failure, Status.Code code)
            throws Exception {
        BerthException e = failure.get();
        try (InProcessCri cri = new InProcessCri(versionThatThrows(e))) {
            StatusRuntimeException seen = assertThrows(StatusRuntimeException.class,
                    () -> RuntimeServiceGrpc.newBlockingStub(cri.channel()).version(VersionRequest.getDefaultInstance()));
            assertEquals(code, seen.getStatus().getCode());
            assertEquals(e.getMessage(), seen.getStatus().getDescription());
            assertEquals(List.of(new InProcessCri.Outcome("RuntimeService/Version", code)), cri.outcomes());
        }
    }

    @Test
    void domainExceptionPassedToOnErrorIsMappedToo() throws Exception {
        // An ImplBase-style service (as the image service is) reports through onError.
        var service = new ImageServiceGrpc.ImageServiceImplBase() {
            @Override
            public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> out) {
                out.onError(new NotFoundException("image busybox not found"));
            }
        };
        try (InProcessCri cri = new InProcessCri(service)) {
            StatusRuntimeException seen = assertThrows(StatusRuntimeException.class,
                    () -> ImageServiceGrpc.newBlockingStub(cri.channel()).imageStatus(
                            ImageStatusRequest.getDefaultInstance()));
            assertEquals(Status.Code.NOT_FOUND, seen.getStatus().getCode());
            assertEquals("image busybox not found", seen.getStatus().getDescription());
        }
    }

    @Test
    void unexpectedExceptionIsInternalWithoutItsMessage() throws Exception {
        RuntimeException bug = new IllegalStateException("secret-token-abc leaked into a message");
        try (InProcessCri cri = new InProcessCri(versionThatThrows(bug))) {
            StatusRuntimeException seen = assertThrows(StatusRuntimeException.class,
                    () -> RuntimeServiceGrpc.newBlockingStub(cri.channel()).version(VersionRequest.getDefaultInstance()));
            assertEquals(Status.Code.INTERNAL, seen.getStatus().getCode());
            assertTrue(seen.getStatus().getDescription().contains("RuntimeService/Version"));
            assertFalse(seen.getStatus().getDescription().contains("secret-token"));
            assertEquals(List.of(new InProcessCri.Outcome("RuntimeService/Version", Status.Code.INTERNAL)),
                    cri.outcomes());
        }
    }

    @Test
    void grpcStatusThrownByAHandlerPassesThrough() throws Exception {
        RuntimeException e = Status.PERMISSION_DENIED.withDescription("no").asRuntimeException();
        try (InProcessCri cri = new InProcessCri(versionThatThrows(e))) {
            StatusRuntimeException seen = assertThrows(StatusRuntimeException.class,
                    () -> RuntimeServiceGrpc.newBlockingStub(cri.channel()).version(VersionRequest.getDefaultInstance()));
            assertEquals(Status.Code.PERMISSION_DENIED, seen.getStatus().getCode());
        }
    }

    @Test
    void successIsRecordedAsOk() throws Exception {
        var service = ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor())
                .unary(RuntimeServiceGrpc.getVersionMethod(), r -> VersionResponse.newBuilder().setVersion("x").build())
                .build();
        try (InProcessCri cri = new InProcessCri(service)) {
            assertEquals("x", RuntimeServiceGrpc.newBlockingStub(cri.channel())
                    .version(VersionRequest.getDefaultInstance()).getVersion());
            assertEquals(List.of(new InProcessCri.Outcome("RuntimeService/Version", Status.Code.OK)), cri.outcomes());
        }
    }

    private static ServiceRouter versionThatThrows(RuntimeException e) {
        return ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor())
                .unary(RuntimeServiceGrpc.getVersionMethod(), r -> {
                    throw e;
                })
                .build();
    }
}
