package io.berth.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.ListPodSandboxRequest;
import io.berth.cri.v1.PodSandboxFilter;
import io.berth.cri.v1.PodSandboxState;
import io.berth.cri.v1.PodSandboxStateValue;
import io.berth.cri.v1.PodSandboxStatusRequest;
import io.berth.cri.v1.PodSandboxStatusResponse;
import io.berth.cri.v1.RemovePodSandboxRequest;
import io.berth.cri.v1.RunPodSandboxRequest;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.StopPodSandboxRequest;
import io.berth.cri.v1.StreamPodSandboxesRequest;
import io.berth.cri.v1.UpdatePodSandboxResourcesRequest;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.runtime.grpc.InProcessCri;
import io.berth.runtime.grpc.ServiceRouter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox RPCs through gRPC, behind berthd's error mapping, over fakes. */
class SandboxRpcsTest {

    @TempDir
    Path tmp;

    private InProcessCri cri;
    private RuntimeServiceGrpc.RuntimeServiceBlockingStub stub;

    @BeforeEach
    void setUp() throws Exception {
        SandboxService svc = new SandboxFixture(tmp).newService();
        cri = new InProcessCri(SandboxRpcs.register(
                ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor()), svc).build());
        stub = RuntimeServiceGrpc.newBlockingStub(cri.channel());
    }

    @AfterEach
    void tearDown() throws Exception {
        cri.close();
    }

    private String run(String name) {
        return stub.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(SandboxFixture.config(name)).build())
                .getPodSandboxId();
    }

    private static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    @Test
    void lifecycleThroughGrpc() {
        String id = run("web");
        PodSandboxStatusResponse st = stub.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(id.substring(0, 12)).setVerbose(true).build());
        assertEquals(id, st.getStatus().getId());
        assertEquals(PodSandboxState.SANDBOX_READY, st.getStatus().getState());
        assertEquals("10.88.0.2", st.getStatus().getNetwork().getIp());
        assertEquals("web", st.getStatus().getMetadata().getName());
        assertTrue(st.getInfoOrThrow("info").contains("\"netnsPath\""), st.getInfoMap().toString());

        stub.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        st = stub.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build());
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, st.getStatus().getState());
        assertEquals("", st.getStatus().getNetwork().getIp());
        assertTrue(st.getInfoMap().isEmpty());

        stub.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        stub.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        stub.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        assertEquals(Status.Code.NOT_FOUND, code(() -> stub.podSandboxStatus(
                PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build())));
    }

    @Test
    void errorsMapToTheirCodes() {
        run("web");
        assertEquals(Status.Code.ALREADY_EXISTS, code(() -> run("web")));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> stub.runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(SandboxFixture.config("x")).setRuntimeHandler("nope").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> stub.runPodSandbox(
                RunPodSandboxRequest.getDefaultInstance())));
        assertEquals(Status.Code.NOT_FOUND, code(() -> stub.updatePodSandboxResources(
                UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId("0000")
                        .setResources(LinuxContainerResources.getDefaultInstance()).build())));
    }

    @Test
    void listAndStreamAgreeAndFilterByState() {
        String a = run("a");
        String b = run("b");
        stub.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(b).build());
        assertEquals(2, stub.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
        PodSandboxFilter ready = PodSandboxFilter.newBuilder().setState(PodSandboxStateValue.newBuilder()
                .setState(PodSandboxState.SANDBOX_READY)).build();
        assertEquals(List.of(a), stub.listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(ready).build())
                .getItemsList().stream().map(p -> p.getId()).toList());
        List<String> streamed = new ArrayList<>();
        stub.streamPodSandboxes(StreamPodSandboxesRequest.getDefaultInstance())
                .forEachRemaining(r -> r.getPodSandboxesList().forEach(p -> streamed.add(p.getId())));
        assertEquals(List.of(a, b), streamed);
    }
}
