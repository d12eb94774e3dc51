package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Host devices in the container ({@code linux.devices}) and the device cgroup rules that let them be used. */
final class DeviceSpec {

    private DeviceSpec() {
    }

    static void build(List<Device> devices, boolean privileged, ObjectNode linux, ObjectNode resources) {
        ArrayNode out = linux.putArray("devices");
        ArrayNode rules = resources.putArray("devices");
        if (privileged) {
            rules.addObject().put("allow", true).put("access", "rwm");
            for (Path p : hostDevices()) {
                add(out, null, p, p.toString(), "rwm");
            }
            return;
        }
        // Deny by default; runc adds its own defaults (null, zero, tty, ...) after this rule.
        rules.addObject().put("allow", false).put("access", "rwm");
        for (Device d : devices) {
            String perms = d.getPermissions().isEmpty() ? "rwm" : d.getPermissions();
            if (!perms.matches("[rwm]+")) {
                throw new InvalidArgumentException("device " + d.getHostPath() + ": permissions \""
                        + d.getPermissions() + "\" must be made of r, w and m");
            }
            add(out, rules, Path.of(d.getHostPath()), d.getContainerPath(), perms);
        }
    }

    private static void add(ArrayNode out, ArrayNode rules, Path host, String dest, String perms) {
        int mode;
        long rdev;
        try {
            Path real = host.toRealPath();
            mode = (Integer) Files.getAttribute(real, "unix:mode");
            rdev = (Long) Files.getAttribute(real, "unix:rdev");
        } catch (IOException | UnsupportedOperationException e) {
            throw new InvalidArgumentException("device " + host + " does not exist on the host");
        }
        String type = switch (mode & 0170000) {
            case 0020000 -> "c";
            case 0060000 -> "b";
            case 0010000 -> "p";
            default -> throw new InvalidArgumentException("device " + host + " is not a device node");
        };
        // glibc's major()/minor() for a 64-bit dev_t.
        long major = ((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL);
        long minor = ((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL);
        ObjectNode d = out.addObject();
        d.put("path", dest);
        d.put("type", type);
        d.put("major", major);
        d.put("minor", minor);
        d.put("fileMode", mode & 07777);
        d.put("uid", 0);
        d.put("gid", 0);
        if (rules != null && !type.equals("p")) {
            rules.addObject().put("allow", true).put("type", type).put("major", major).put("minor", minor)
                    .put("access", perms);
        }
    }

    /** Every char and block device under /dev, as a privileged container sees them. */
    private static List<Path> hostDevices() {
        try (Stream<Path> s = Files.walk(Path.of("/dev"), 3)) {
            return s.filter(p -> !p.startsWith("/dev/pts") && !p.startsWith("/dev/shm")
                            && !p.startsWith("/dev/mqueue") && !p.toString().equals("/dev/console"))
                    .filter(p -> {
                        try {
                            int m = (Integer) Files.getAttribute(p, "unix:mode",
                                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
                            int t = m & 0170000;
                            return t == 0020000 || t == 0060000;
                        } catch (IOException e) {
                            return false;
                        }
                    }).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
