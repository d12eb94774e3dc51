package io.berth.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SysctlPolicyTest {

    @ParameterizedTest
    @CsvSource({
        "net.ipv4.ip_forward, NET",
        "net/ipv4/conf/eth0.100/rp_filter, NET",
        "kernel.shmmax, IPC",
        "kernel.shm_rmid_forced, IPC",
        "kernel.msgmnb, IPC",
        "kernel.sem, IPC",
        "fs.mqueue.msg_max, IPC",
    })
    void namespacedSysctlsMapToTheirNamespace(String key, NamespaceKind kind) {
        assertEquals(Map.of(kind, Map.of(key, "1")), SysctlPolicy.plan(Map.of(key, "1"), false, false));
    }

    @ParameterizedTest
    @CsvSource({"vm.swappiness", "kernel.pid_max", "kernel.semx", "fs.file-max", "net..x", "/net/x", "net.ipv4."})
    void othersAreInvalidArgumentNamingTheKey(String key) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> SysctlPolicy.plan(Map.of(key, "1"), false, false));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void hostNamespacesRefuseTheirSysctls() {
        assertThrows(InvalidArgumentException.class,
                () -> SysctlPolicy.plan(Map.of("net.ipv4.ip_forward", "1"), true, false));
        assertThrows(InvalidArgumentException.class,
                () -> SysctlPolicy.plan(Map.of("kernel.shmmax", "1"), false, true));
    }

    @Test
    void procPathsKeepDotsInsideSlashSeparatedNames() {
        assertEquals("/proc/sys/net/ipv4/ip_forward", SysctlPolicy.procPath("net.ipv4.ip_forward"));
        assertEquals("/proc/sys/net/ipv4/conf/eth0.100/rp_filter",
                SysctlPolicy.procPath("net/ipv4/conf/eth0.100/rp_filter"));
    }
}
