package io.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.CgroupDriver;
import io.berth.cri.v1.ListContainersRequest;
import io.berth.cri.v1.ListImagesRequest;
import io.berth.cri.v1.ListMetricDescriptorsRequest;
import io.berth.cri.v1.RuntimeCondition;
import io.berth.cri.v1.RuntimeConfigRequest;
import io.berth.cri.v1.StatusRequest;
import io.berth.cri.v1.StatusResponse;
import io.berth.cri.v1.VersionRequest;
import io.berth.cri.v1.VersionResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real daemon, started by bin/berthd, driven by the generated CRI client over its unix socket. */
class BerthdIT {

    @TempDir
    Path dir;

    @Test
    void servesTheCriOnItsSocketAndStopsCleanlyOnSigterm() throws Exception {
        try (BerthdProcess berthd = BerthdProcess.start(dir)) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(berthd.socket)));

            VersionResponse version = berthd.runtime().version(VersionRequest.getDefaultInstance());
            assertEquals("berth", version.getRuntimeName());
            assertEquals("v1", version.getRuntimeApiVersion());
            assertFalse(version.getRuntimeVersion().isEmpty());

            StatusResponse status = berthd.runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
            Map<String, RuntimeCondition> conditions = status.getStatus().getConditionsList().stream()
                    .collect(Collectors.toMap(RuntimeCondition::getType, c -> c));
            assertTrue(conditions.get("RuntimeReady").getStatus());
            // No network config in its private conf_dir: berthd writes its default bridge network.
            assertTrue(conditions.get("NetworkReady").getStatus(), conditions.get("NetworkReady").getMessage());
            assertTrue(Files.exists(dir.resolve("net.d/10-berth-bridge.conflist")));
            assertTrue(status.getInfoOrThrow("config").contains(berthd.socket.toString()),
                    "verbose Status shows the effective config: " + status.getInfoOrThrow("config"));

            assertEquals(expectedDriver(), berthd.runtime().runtimeConfig(RuntimeConfigRequest.getDefaultInstance())
                    .getLinux().getCgroupDriver());

            assertEquals(0, berthd.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                    .getContainersCount());
            assertEquals(0, berthd.image().listImages(ListImagesRequest.getDefaultInstance()).getImagesCount());
            assertTrue(berthd.runtime().listMetricDescriptors(ListMetricDescriptorsRequest.getDefaultInstance())
                    .getDescriptorsList().stream().anyMatch(d -> d.getName().equals("container_cpu_usage_seconds_total")),
                    "the pod-metrics RPCs are served");

            assertEquals(0, berthd.terminate(Duration.ofSeconds(20)), berthd.logText());
            assertFalse(Files.exists(berthd.socket), "the socket is removed on SIGTERM");
            assertTrue(berthd.logText().contains("rpc RuntimeService/Version OK"), "RPCs are logged at debug");
        }
    }

    /** This host's answer, by the rule berthd documents: systemd only if it is PID 1 and booted the host. */
    private static CgroupDriver expectedDriver() throws Exception {
        boolean systemd = Files.readString(Path.of("/proc/1/comm")).strip().equals("systemd")
                && Files.isDirectory(Path.of("/run/systemd/system"));
        return systemd ? CgroupDriver.SYSTEMD : CgroupDriver.CGROUPFS;
    }
}
