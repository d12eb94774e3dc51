package io.berth.cni.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cni.netns.InterfaceCounters;
import io.berth.cni.netns.LoopbackUp;
import io.berth.cni.netns.NetnsThreads;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real network namespaces pinned in /run/netns, as root. */
@Timeout(60)
class NetnsManagerIT {

    private static Object netnsInode(Path p) throws Exception {
        return Files.getAttribute(p, "unix:ino");
    }

    @Test
    void createPinsANewNamespaceThatIpNetnsSeesAndRemoveIsIdempotent() throws Exception {
        try (TestNet net = new TestNet()) {
            Path pin = net.newNetns();
            String name = pin.getFileName().toString();
            assertTrue(net.netns.isPinned(pin));
            assertTrue(HostProbe.runOk("ip", "netns", "list").contains(name));
            // The pin holds a namespace other than berthd's own.
            assertNotEquals(netnsInode(Path.of("/proc/self/ns/net")), netnsInode(pin));
            // A new netns has lo (plus fallback tunnels if their modules are loaded), no pod interface.
            String links = HostProbe.runOk("ip", "-n", name, "-o", "link");
            assertTrue(links.contains(" lo:"), links);
            assertFalse(links.contains("eth0"), links);

            assertThrows(FileAlreadyExistsException.class, () -> net.netns.create(pin));
            net.netns.remove(pin);
            assertFalse(Files.exists(pin));
            assertFalse(HostProbe.runOk("ip", "netns", "list").contains(name));
            net.netns.remove(pin);
        }
    }

    @Test
    void callInRunsInsideTheNamespaceAndLeavesTheCallerWhereItWas() throws Exception {
        try (TestNet net = new TestNet()) {
            Path pin = net.newNetns();
            Object inside = NetnsThreads.callIn(pin, () -> netnsInode(Path.of("/proc/thread-self/ns/net")));
            assertEquals(netnsInode(pin), inside);
            assertEquals(netnsInode(Path.of("/proc/self/ns/net")), netnsInode(Path.of("/proc/thread-self/ns/net")));

            String down = HostProbe.runOk("ip", "-n", pin.getFileName().toString(), "link", "show", "lo");
            assertFalse(down.contains("<LOOPBACK,UP"), down);
            LoopbackUp.inProcess().up(pin);
            String up = HostProbe.runOk("ip", "-n", pin.getFileName().toString(), "link", "show", "lo");
            assertTrue(up.contains("<LOOPBACK,UP"), up);
            assertFalse(HostProbe.runOk("ip", "link", "show", "lo").isEmpty());

            InterfaceCounters lo = net.netns.counters(pin, "lo");
            assertEquals(0, lo.rxBytes());
            assertThrows(IllegalArgumentException.class, () -> net.netns.counters(pin, "eth0"));
        }
    }

    @Test
    void removeOfAPlainLeftoverFileWorks() throws Exception {
        try (TestNet net = new TestNet()) {
            Path pin = net.netns.pinPath("berth-it-" + net.tag + "-stale");
            Files.createDirectories(pin.getParent());
            Files.createFile(pin);
            assertFalse(net.netns.isPinned(pin));
            net.netns.remove(pin);
            assertFalse(Files.exists(pin));
        }
    }
}
