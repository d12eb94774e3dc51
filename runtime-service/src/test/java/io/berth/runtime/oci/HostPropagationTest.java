package io.berth.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPropagationTest {

    @TempDir
    Path dir;

    @Test
    void longestCoveringMountPointWinsWithItsPropagation() throws Exception {
        Path info = Files.writeString(dir.resolve("mountinfo"), String.join("\n",
                "1 0 8:1 / / rw,relatime - ext4 /dev/vda rw",
                "2 1 0:5 / /var/lib rw shared:7 - tmpfs tmpfs rw",
                "3 2 0:6 / /var/lib/kube\\040let rw master:7 - tmpfs tmpfs rw",
                "4 1 0:7 / /var/library rw - tmpfs tmpfs rw", ""));
        HostPropagation h = new HostPropagation(info);
        HostPropagation.MountPoint root = h.find("/etc/x");
        assertEquals("/", root.path());
        assertFalse(root.shared() || root.slave());
        assertTrue(h.find("/var/lib/berth/v").shared());
        HostPropagation.MountPoint kube = h.find("/var/lib/kube let/pods");
        assertEquals("/var/lib/kube let", kube.path());
        assertTrue(kube.slave());
        assertEquals("/var/library", h.find("/var/library/a").path(), "a name prefix is not a parent");
    }
}
