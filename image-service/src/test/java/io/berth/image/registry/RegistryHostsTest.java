package io.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.image.config.MirrorConfig;
import io.berth.image.config.RegistryConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryHostsTest {

    private static List<String> uris(RegistryHosts hosts, String domain) {
        return hosts.endpoints(domain).stream().map(e -> e.uri("library/busybox", "manifests/latest").toString())
                .toList();
    }

    @Test
    void upstreamOnlyWithoutMirrors() {
        RegistryHosts hosts = new RegistryHosts(RegistryConfig.defaults());
        assertEquals(List.of("https://registry-1.docker.io/v2/library/busybox/manifests/latest"),
                uris(hosts, "docker.io"));
        assertEquals(List.of("http://127.0.0.1:5000/v2/library/busybox/manifests/latest"),
                uris(hosts, "127.0.0.1:5000"));
        assertEquals(List.of("http://localhost/v2/library/busybox/manifests/latest"), uris(hosts, "localhost"));
        assertEquals(List.of("https://quay.io/v2/library/busybox/manifests/latest"), uris(hosts, "quay.io"));
    }

    @Test
    void mirrorsFirstKeepingPathThenUpstreamUnlessFallbackForbidden() {
        RegistryConfig cfg = new RegistryConfig(Map.of(
                "docker.io", new MirrorConfig(List.of("http://127.0.0.1:5000", "mirror.example:8443/v2/"), true),
                "registry.k8s.io", new MirrorConfig(List.of("http://127.0.0.2:5001"), false)),
                List.of(), null, 0);
        RegistryHosts hosts = new RegistryHosts(cfg);
        assertEquals(List.of("http://127.0.0.1:5000/v2/library/busybox/manifests/latest",
                "https://mirror.example:8443/v2/library/busybox/manifests/latest",
                "https://registry-1.docker.io/v2/library/busybox/manifests/latest"), uris(hosts, "docker.io"));
        List<RegistryEndpoint> k8s = hosts.endpoints("registry.k8s.io");
        assertEquals(1, k8s.size());
        assertTrue(k8s.getFirst().mirror());
        assertEquals("http://127.0.0.2:5001/v2/pause/manifests/3.10", k8s.getFirst().uri("pause", "manifests/3.10")
                .toString());
    }

    @Test
    void plainHttpOnlyForLoopbackAndInsecure() {
        RegistryHosts hosts = new RegistryHosts(new RegistryConfig(Map.of(), List.of("reg.lan:5000", "other.lan"),
                null, 0));
        assertTrue(hosts.isPlainHttpAllowed("reg.lan:5000"));
        assertTrue(hosts.isPlainHttpAllowed("other.lan:1234"));
        assertTrue(hosts.isPlainHttpAllowed("127.1.2.3:80"));
        assertTrue(hosts.isPlainHttpAllowed("[::1]:5000"));
        assertFalse(hosts.isPlainHttpAllowed("reg.lan:5001"));
        assertFalse(hosts.isPlainHttpAllowed("128.0.0.1"));
        assertFalse(hosts.isPlainHttpAllowed("localhost.evil.com"));
    }
}
