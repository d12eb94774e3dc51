package io.berth.runtime.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.berth.cri.v1.CgroupDriver;
import io.berth.cri.v1.NetworkConfig;
import io.berth.cri.v1.RuntimeCondition;
import io.berth.cri.v1.RuntimeConfig;
import io.berth.cri.v1.RuntimeConfigRequest;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.StatusRequest;
import io.berth.cri.v1.StatusResponse;
import io.berth.cri.v1.UpdateRuntimeConfigRequest;
import io.berth.cri.v1.VersionRequest;
import io.berth.cri.v1.VersionResponse;
import io.berth.cri.v1.ListMetricDescriptorsRequest;
import io.berth.cri.v1.ListPodSandboxMetricsRequest;
import io.berth.cri.v1.MetricDescriptor;
import io.berth.cri.v1.StreamPodSandboxMetricsRequest;
import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.container.stats.StatsCollector;
import io.berth.runtime.podmetrics.PodMetricsCollector;
import io.berth.runtime.sandbox.SandboxService;
import io.berth.runtime.config.StreamConfig;
import io.berth.runtime.stream.StreamServer;
import io.berth.runtime.stream.runtime.ContainerStreams;
import io.berth.runtime.stream.runtime.ServiceStreamTargets;
import io.berth.runtime.stream.runtime.ShimStreamRuntime;
import io.berth.runtime.grpc.GenericCalls;
import io.berth.runtime.grpc.InProcessCri;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RuntimeHandlersTest {

    private static final Set<String> SERVED = Set.of("Version", "Status", "RuntimeConfig", "UpdateRuntimeConfig",
            "Exec", "Attach", "PortForward", "ListMetricDescriptors", "ListPodSandboxMetrics",
            "StreamPodSandboxMetrics");

    private InProcessCri cri;
    private StreamServer streams;

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub start(io.berth.runtime.cgroup.CgroupDriver driver) {
        try {
            streams = new StreamServer(StreamConfig.defaults(), new ShimStreamRuntime(ContainerStreams.NONE)).start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        RuntimeContext ctx = new RuntimeContext(BerthConfig.defaults(), new BuildInfo("9.9.9-test"), driver,
                NetworkStatus.NOT_CONFIGURED, new PodCidrs(), null, streams.service(),
                new ServiceStreamTargets(ContainerStreams.NONE), noPods());
        cri = new InProcessCri(RuntimeHandlers.runtimeService(ctx));
        return RuntimeServiceGrpc.newBlockingStub(cri.channel());
    }

    /** A collector over a node without pods: the RPCs answer, with nothing in them. */
    private static PodMetricsCollector noPods() {
        SandboxService sandboxes = mock(SandboxService.class);
        when(sandboxes.list(any())).thenReturn(List.of());
        return new PodMetricsCollector(sandboxes, mock(ContainerService.class), mock(StatsCollector.class),
                (s, c) -> java.util.OptionalLong.empty());
    }

    @AfterEach
    void stop() throws Exception {
        cri.close();
        streams.close();
    }

    @Test
    void versionNamesBerthAndTheBuild() {
        VersionResponse v = start(io.berth.runtime.cgroup.CgroupDriver.CGROUPFS).version(VersionRequest.getDefaultInstance());
        assertEquals("berth", v.getRuntimeName());
        assertEquals("9.9.9-test", v.getRuntimeVersion());
        assertEquals("v1", v.getRuntimeApiVersion());
        assertEquals("0.1.0", v.getVersion());
    }

    @Test
    void statusTellsRuntimeReadyAndNetworkNotReady() {
        StatusResponse s = start(io.berth.runtime.cgroup.CgroupDriver.CGROUPFS).status(StatusRequest.getDefaultInstance());
        Map<String, RuntimeCondition> conditions = s.getStatus().getConditionsList().stream()
                .collect(Collectors.toMap(RuntimeCondition::getType, c -> c));
        assertTrue(conditions.get("RuntimeReady").getStatus());
        RuntimeCondition network = conditions.get("NetworkReady");
        assertFalse(network.getStatus());
        assertEquals("NoCNIConfig", network.getReason());
        assertFalse(network.getMessage().isEmpty());
        assertTrue(s.getInfoMap().isEmpty(), "info only when verbose");
    }

    @Test
    void verboseStatusCarriesTheEffectiveConfigAsJson() throws Exception {
        StatusResponse s = start(io.berth.runtime.cgroup.CgroupDriver.CGROUPFS)
                .status(StatusRequest.newBuilder().setVerbose(true).build());
        JsonNode config = JsonMapper.builder().build().readTree(s.getInfoOrThrow("config"));
        assertEquals("unix:///run/berth/berth.sock", config.get("socket").asText());
        assertEquals("info", config.get("log_level").asText());
        assertEquals("127.0.0.1:9735", config.get("metrics").get("address").asText());
    }

    @Test
    void runtimeConfigReportsTheResolvedCgroupDriver() {
        assertEquals(CgroupDriver.CGROUPFS, start(io.berth.runtime.cgroup.CgroupDriver.CGROUPFS)
                .runtimeConfig(RuntimeConfigRequest.getDefaultInstance()).getLinux().getCgroupDriver());
        stopQuietly();
        assertEquals(CgroupDriver.SYSTEMD, start(io.berth.runtime.cgroup.CgroupDriver.SYSTEMD)
                .runtimeConfig(RuntimeConfigRequest.getDefaultInstance()).getLinux().getCgroupDriver());
    }

    @Test
    void updateRuntimeConfigRecordsThePodCidrForStatus() {
        var stub = start(io.berth.runtime.cgroup.CgroupDriver.CGROUPFS);
        stub.updateRuntimeConfig(cidr("10.88.0.0/16,fd00:88::/64"));
        assertEquals("10.88.0.0/16,fd00:88::/64",
                stub.status(StatusRequest.newBuilder().setVerbose(true).build()).getInfoOrThrow("podCIDR"));
        // A request without network_config leaves it alone.
        stub.updateRuntimeConfig(UpdateRuntimeConfigRequest.getDefaultInstance());
        assertEquals("10.88.0.0/16,fd00:88::/64",
                stub.status(StatusRequest.newBuilder().setVerbose(true).build()).getInfoOrThrow("podCIDR"));
    }

    @Test
    void badPodCidrIsInvalidArgumentNamingIt() {
        var stub = start(io.berth.runtime.cgroup.CgroupDriver.CGROUPFS);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub.updateRuntimeConfig(cidr("10.88.0.0/33")));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("10.88.0.0/33"));
    }

    @Test
    void everyOtherRuntimeRpcIsUnimplementedByName() {
        start(io.berth.runtime.cgroup.CgroupDriver.CGROUPFS);
        int unimplemented = 0;
        for (MethodDescriptor<?, ?> m : RuntimeServiceGrpc.getServiceDescriptor().getMethods()) {
            if (SERVED.contains(m.getBareMethodName())) {
                continue;
            }
            Status status = GenericCalls.callEmpty(cri.channel(), m);
            assertEquals(Status.Code.UNIMPLEMENTED, status.getCode(), m.getFullMethodName());
            assertTrue(status.getDescription().contains(m.getBareMethodName()), status.getDescription());
            unimplemented++;
        }
        assertEquals(25, unimplemented, "35 RuntimeService RPCs, 10 served");
    }

    @Test
    void podMetricsRpcsListTheCatalogAndNoPodsOnAnEmptyNode() {
        var stub = start(io.berth.runtime.cgroup.CgroupDriver.CGROUPFS);
        var names = stub.listMetricDescriptors(ListMetricDescriptorsRequest.getDefaultInstance()).getDescriptorsList()
                .stream().map(MetricDescriptor::getName).toList();
        assertTrue(names.containsAll(List.of("container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
                "container_oom_events_total", "container_network_receive_bytes_total")), names.toString());
        assertEquals(0, stub.listPodSandboxMetrics(ListPodSandboxMetricsRequest.getDefaultInstance())
                .getPodMetricsCount());
        assertFalse(stub.streamPodSandboxMetrics(StreamPodSandboxMetricsRequest.getDefaultInstance()).hasNext(),
                "no pods: the stream ends without a message");
    }

    @Test
    void execOfAnUnknownContainerIsNotFoundNamingIt() {
        RuntimeServiceGrpc.RuntimeServiceBlockingStub stub = start(io.berth.runtime.cgroup.CgroupDriver.CGROUPFS);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.exec(
                io.berth.cri.v1.ExecRequest.newBuilder().setContainerId("nosuch").addCmd("sh").setStdout(true).build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("nosuch"), e.getStatus().getDescription());
    }

    private void stopQuietly() {
        try {
            cri.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static UpdateRuntimeConfigRequest cidr(String cidr) {
        return UpdateRuntimeConfigRequest.newBuilder()
                .setRuntimeConfig(RuntimeConfig.newBuilder().setNetworkConfig(NetworkConfig.newBuilder().setPodCidr(cidr)))
                .build();
    }
}
