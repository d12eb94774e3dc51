package io.berth.runtime.sandbox;

import io.berth.common.error.InvalidArgumentException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides in which of the pod's namespaces a sysctl lives, before anything is
 * created. Only sysctls that the kernel namespaces per network or IPC
 * namespace are allowed: anything else would change the whole node.
 */
public final class SysctlPolicy {

    private SysctlPolicy() {
    }

    /**
     * Groups the pod's sysctls by namespace, keys normalised to dotted form.
     *
     * @throws InvalidArgumentException naming the sysctl when it cannot be
     *         namespaced, is malformed, or targets a namespace the pod shares with the host
     */
    public static Map<NamespaceKind, Map<String, String>> plan(Map<String, String> sysctls,
                                                              boolean hostNetwork, boolean hostIpc) {
        Map<NamespaceKind, Map<String, String>> out = new EnumMap<>(NamespaceKind.class);
        for (Map.Entry<String, String> e : new TreeMap<>(sysctls).entrySet()) {
            String key = normalise(e.getKey());
            NamespaceKind kind = kindOf(key);
            if (kind == null) {
                throw new InvalidArgumentException("sysctl \"" + e.getKey()
                        + "\" is not namespaced (allowed: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)");
            }
            if ((kind == NamespaceKind.NET && hostNetwork) || (kind == NamespaceKind.IPC && hostIpc)) {
                throw new InvalidArgumentException("sysctl \"" + e.getKey() + "\" cannot be set: the pod uses the host's "
                        + kind.procName() + " namespace");
            }
            out.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(key, e.getValue());
        }
        return out;
    }

    /** The namespace of a dotted sysctl name, or null when it has none we pin. */
    static NamespaceKind kindOf(String rawKey) {
        String key = rawKey.replace('/', '.');
        if (key.startsWith("net.")) {
            return NamespaceKind.NET;
        }
        if (key.startsWith("kernel.shm") || key.startsWith("kernel.msg") || key.equals("kernel.sem")
                || key.startsWith("fs.mqueue.")) {
            return NamespaceKind.IPC;
        }
        return null;
    }

    /**
     * Validates a key. Both "a.b.c" and "a/b/c" are accepted; the slash form is
     * kept as written because it lets a part hold a dot (an interface name such
     * as "net/ipv4/conf/eth0.100/rp_filter").
     */
    static String normalise(String key) {
        if (key == null || key.isEmpty() || key.contains("..") || key.contains("//")
                || key.startsWith(".") || key.startsWith("/") || key.endsWith(".") || key.endsWith("/")
                || key.contains("\0")) {
            throw new InvalidArgumentException("sysctl \"" + key + "\" is malformed");
        }
        return key;
    }

    /** The file under /proc/sys for a normalised key. */
    public static String procPath(String key) {
        String rel = key.contains("/") ? key : key.replace('.', '/');
        for (String part : rel.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new InvalidArgumentException("sysctl \"" + key + "\" is malformed");
            }
        }
        return "/proc/sys/" + rel;
    }
}
