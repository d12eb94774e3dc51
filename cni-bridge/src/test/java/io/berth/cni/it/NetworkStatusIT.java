package io.berth.cni.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cni.CniConfig;
import io.berth.cni.NetworkStatus;
import io.berth.cni.PodNetwork;
import io.berth.cni.config.DefaultNetwork;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** NetworkReady against the real plugin binaries. */
@Timeout(60)
class NetworkStatusIT {

    @Test
    void theDefaultNetworkIsWrittenAndReadyWithDebianPlugins() throws Exception {
        try (TestNet net = new TestNet()) {
            CniConfig cfg = new CniConfig(net.confDir, List.of(TestNet.DEBIAN_PLUGINS), true,
                    Duration.ofSeconds(30), CniConfig.DEFAULT_NETNS_DIR);
            PodNetwork pods = new PodNetwork(cfg, net.stateDir);
            assertEquals(NetworkStatus.ok(), pods.status());
            assertTrue(Files.exists(net.confDir.resolve(DefaultNetwork.FILE_NAME)));
        }
    }

    @Test
    void aMissingBinaryAndAnUnsupportedVersionAreReported() throws Exception {
        try (TestNet net = new TestNet()) {
            PodNetwork pods = net.podNetwork();
            Files.writeString(net.confDir.resolve("10-a.conflist"), """
                    {"cniVersion":"1.0.0","name":"a","plugins":[{"type":"bridge"},{"type":"berth-no-such-plugin"}]}""");
            NetworkStatus missing = pods.status();
            assertEquals(NetworkStatus.PLUGIN_MISSING, missing.reason());
            assertTrue(missing.message().contains("berth-no-such-plugin"), missing.message());

            // Debian's plugins (1.1.x) speak up to 1.0.0.
            Files.writeString(net.confDir.resolve("05-new.conflist"), """
                    {"cniVersion":"1.1.0","name":"new","plugins":[{"type":"bridge"}]}""");
            NetworkStatus old = pods.status();
            assertEquals(NetworkStatus.INVALID_CONFIG, old.reason());
            assertTrue(old.message().contains("bridge does not support cniVersion 1.1.0"), old.message());
        }
    }
}
