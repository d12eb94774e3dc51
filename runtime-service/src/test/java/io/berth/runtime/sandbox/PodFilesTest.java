package io.berth.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.DNSConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodFilesTest {

    @TempDir
    Path tmp;

    @Test
    void resolvConfFollowsTheDnsConfigOrCopiesTheHostsWhenEmpty() throws Exception {
        Path host = tmp.resolve("resolv");
        Files.writeString(host, "nameserver 192.0.2.1\n");
        PodFiles files = new PodFiles(host, tmp.resolve("hosts"));
        assertEquals("nameserver 192.0.2.1\n", files.resolvConf(DNSConfig.getDefaultInstance()));
        assertEquals("search a.b\nnameserver 10.0.0.10\nnameserver 10.0.0.11\noptions ndots:2 edns0\n",
                files.resolvConf(DNSConfig.newBuilder().addServers("10.0.0.10").addServers("10.0.0.11")
                        .addSearches("a.b").addOptions("ndots:2").addOptions("edns0").build()));
    }

    @Test
    void writeLeavesResolvConfHostnameAndHosts() throws Exception {
        PodFiles files = new PodFiles(tmp.resolve("none"), tmp.resolve("none"));
        Path dir = tmp.resolve("pod");
        files.write(dir, new PodFiles.Content(DNSConfig.getDefaultInstance(), "web-1", "10.88.0.5", false));
        assertEquals("web-1\n", Files.readString(dir.resolve("hostname")));
        assertEquals("", Files.readString(dir.resolve("resolv.conf")));
        String hosts = Files.readString(dir.resolve("hosts"));
        assertTrue(hosts.startsWith("127.0.0.1\tlocalhost\n"), hosts);
        assertTrue(hosts.endsWith("10.88.0.5\tweb-1\n"), hosts);
    }

    @Test
    void entriesWithLineBreaksOrSpacesAreRefused() {
        assertThrows(InvalidArgumentException.class,
                () -> PodFiles.validate(DNSConfig.newBuilder().addServers("1.1.1.1\nnameserver 6.6.6.6").build()));
        assertThrows(InvalidArgumentException.class,
                () -> PodFiles.validate(DNSConfig.newBuilder().addSearches("a b").build()));
        PodFiles.validate(DNSConfig.newBuilder().addOptions("ndots:5").addServers("fd00::10").build());
    }
}
