package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.ContainerEventResponse;
import io.berth.cri.v1.ContainerFilter;
import io.berth.cri.v1.ContainerStatusRequest;
import io.berth.cri.v1.CreateContainerRequest;
import io.berth.cri.v1.GetEventsRequest;
import io.berth.cri.v1.ListContainersRequest;
import io.berth.cri.v1.RemoveContainerRequest;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.StartContainerRequest;
import io.berth.cri.v1.StopContainerRequest;
import io.berth.runtime.container.rpc.ContainerRpcs;
import io.berth.runtime.grpc.InProcessCri;
import io.berth.runtime.grpc.ServiceRouter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container RPCs over gRPC: status codes, messages and the events stream. */
class ContainerRpcsTest {

    @TempDir
    Path tmp;
    Fixture f;
    InProcessCri cri;
    RuntimeServiceGrpc.RuntimeServiceBlockingStub stub;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(tmp);
        ServiceRouter.Builder b = ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor());
        ContainerRpcs.register(b, null, f.service, null, f.events);
        cri = new InProcessCri(b.build());
        stub = RuntimeServiceGrpc.newBlockingStub(cri.channel());
    }

    @AfterEach
    void tearDown() throws Exception {
        cri.close();
        f.close();
    }

    @Test
    void listReusesEachUnchangedContainersMessageAndForgetsRemovedOnes() {
        var list = new io.berth.runtime.container.rpc.ListContainersHandler(f.service);
        Container a = f.create("a");
        Container b = f.create("b");
        var all = io.berth.cri.v1.ListContainersRequest.getDefaultInstance();
        var first = list.handle(all);
        var second = list.handle(all);
        assertEquals(2, second.getContainersCount());
        assertSame(first.getContainers(0), second.getContainers(0), "built once");
        f.service.start(a.id());
        var third = list.handle(all);
        assertEquals(io.berth.cri.v1.ContainerState.CONTAINER_RUNNING, third.getContainersList().stream()
                .filter(c -> c.getId().equals(a.id())).findFirst().orElseThrow().getState(), "a change shows");
        assertSame(second.getContainersList().stream().filter(c -> c.getId().equals(b.id())).findFirst()
                .orElseThrow(), third.getContainersList().stream().filter(c -> c.getId().equals(b.id()))
                .findFirst().orElseThrow());
        f.service.remove(a.id());
        assertEquals(1, list.handle(all).getContainersCount());
        assertEquals(1, list.kept(), "the removed container's message is dropped");
    }

    @Test
    void statusReusesAnUnchangedContainersStatusAndForgetsRemovedOnes() {
        var status = new io.berth.runtime.container.rpc.ContainerStatusHandler(f.service);
        Container a = f.create("a");
        Container b = f.create("b");
        var askA = ContainerStatusRequest.newBuilder().setContainerId(a.id()).build();
        var askB = ContainerStatusRequest.newBuilder().setContainerId(b.id()).build();
        var first = status.handle(askA).getStatus();
        assertSame(first, status.handle(askA).getStatus(), "built once");
        assertEquals(io.berth.cri.v1.ContainerState.CONTAINER_CREATED, first.getState());
        status.handle(askB);
        f.service.start(a.id());
        var started = status.handle(askA).getStatus();
        assertEquals(io.berth.cri.v1.ContainerState.CONTAINER_RUNNING, started.getState(), "a change shows");
        assertTrue(started.getStartedAt() > 0);
        assertEquals(first.getMetadata(), started.getMetadata());
        f.service.remove(a.id());
        assertEquals(1, status.kept(), "the removed container's status is dropped");
        assertThrows(io.berth.common.error.NotFoundException.class, () -> status.handle(askA));
    }

    /** StartContainer builds the started container's status, which the kubelet asks for next. */
    @Test
    void startBuildsTheStatusTheNextCallAnswersWith() {
        var status = new io.berth.runtime.container.rpc.ContainerStatusHandler(f.service);
        Container a = f.create("a");
        assertEquals(0, status.kept());
        f.service.start(a.id());
        assertEquals(1, status.kept(), "built by the start, before any status call");
        var ask = ContainerStatusRequest.newBuilder().setContainerId(a.id()).build();
        var answered = status.handle(ask).getStatus();
        assertEquals(io.berth.cri.v1.ContainerState.CONTAINER_RUNNING, answered.getState());
        assertSame(answered, status.handle(ask).getStatus());
    }

    @Test
    void theLifecycleOverGrpcWithTheCodesTheCriAsksFor() {
        String id = stub.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(Fixture.POD)
                .setConfig(Fixture.config("web")).build()).getContainerId();
        stub.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        var status = stub.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id.substring(0, 12))
                .setVerbose(true).build());
        assertEquals(io.berth.cri.v1.ContainerState.CONTAINER_RUNNING, status.getStatus().getState());
        assertEquals(1000, status.getStatus().getUser().getLinux().getUid());
        assertTrue(status.getInfoMap().get("info").contains("\"runtimeSpec\""));
        assertEquals(1, stub.listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .setPodSandboxId(Fixture.POD)).build()).getContainersCount());
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> stub.startContainer(
                StartContainerRequest.newBuilder().setContainerId(id).build())));
        stub.stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
        stub.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
        stub.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
        stub.stopContainer(StopContainerRequest.newBuilder().setContainerId(id).build());
        assertEquals(Status.Code.NOT_FOUND, code(() -> stub.containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(id).build())));
        assertEquals(Status.Code.NOT_FOUND, code(() -> stub.createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId("f".repeat(64)).setConfig(Fixture.config("x")).build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> stub.createContainer(CreateContainerRequest
                .newBuilder().setPodSandboxId(Fixture.POD).build())));
    }

    @Test
    void twoEventSubscribersEachGetEveryEvent() throws Exception {
        var async = RuntimeServiceGrpc.newBlockingStub(cri.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
        Iterator<ContainerEventResponse> a = async.getContainerEvents(GetEventsRequest.getDefaultInstance());
        Iterator<ContainerEventResponse> b = RuntimeServiceGrpc.newBlockingStub(cri.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS).getContainerEvents(GetEventsRequest.getDefaultInstance());
        long end = System.nanoTime() + 5_000_000_000L;
        while (f.events.subscriberCount() < 2 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        Container c = f.running("web");
        f.service.remove(c.id());
        for (Iterator<ContainerEventResponse> it : List.of(a, b)) {
            List<String> types = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                types.add(it.next().getContainerEventType().name());
            }
            assertEquals(List.of("CONTAINER_CREATED_EVENT", "CONTAINER_STARTED_EVENT", "CONTAINER_STOPPED_EVENT",
                    "CONTAINER_DELETED_EVENT"), types);
        }
    }

    private static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }
}
