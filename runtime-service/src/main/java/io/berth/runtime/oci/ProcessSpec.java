package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.KeyValue;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import io.berth.cri.v1.SupplementalGroupsPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OCI {@code process} object: command, environment, user, capabilities. */
final class ProcessSpec {

    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ProcessSpec() {
    }

    static ObjectNode build(SpecInput in, UserResolver users) {
        ContainerConfig c = in.config();
        LinuxContainerSecurityContext sc = c.getLinux().getSecurityContext();
        ObjectNode p = F.objectNode();
        p.put("terminal", c.getTty());
        strings(p.putArray("args"), command(c, in.image()));
        strings(p.putArray("env"), env(c, in.image(), in.podConfig().getHostname()));
        p.put("cwd", workingDir(c, in.image()));
        p.set("user", user(sc, in.image(), users));
        List<String> caps = sc.getPrivileged()
                ? in.host().boundingCapabilities()
                : Capabilities.effective(sc.getCapabilities().getAddCapabilitiesList(),
                        sc.getCapabilities().getDropCapabilitiesList(), in.host().boundingCapabilities());
        ObjectNode capNode = p.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            strings(capNode.putArray(set), caps);
        }
        p.put("noNewPrivileges", sc.getNoNewPrivs());
        long adj = c.getLinux().getResources().getOomScoreAdj();
        // Without CAP_SYS_RESOURCE the kernel refuses a value below berthd's own.
        p.put("oomScoreAdj", Math.max(adj, in.host().oomScoreAdjFloor()));
        return p;
    }

    /**
     * Kubernetes' rule: the container's command replaces the image's
     * Entrypoint and drops its Cmd; the container's args replace Cmd.
     */
    static List<String> command(ContainerConfig c, SpecInput.ImageDefaults image) {
        List<String> out = new ArrayList<>();
        if (!c.getCommandList().isEmpty()) {
            out.addAll(c.getCommandList());
            out.addAll(c.getArgsList());
        } else {
            out.addAll(image.entrypoint());
            out.addAll(c.getArgsList().isEmpty() ? image.cmd() : c.getArgsList());
        }
        if (out.isEmpty()) {
            throw new InvalidArgumentException("container " + c.getMetadata().getName()
                    + " has no command: neither the config nor image " + image.imageName() + " gives one");
        }
        return out;
    }

    /** Image env first, the container's env overriding by name; PATH and HOSTNAME filled when absent. */
    static List<String> env(ContainerConfig c, SpecInput.ImageDefaults image, String hostname) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : image.env()) {
            int eq = kv.indexOf('=');
            env.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
        }
        for (KeyValue kv : c.getEnvsList()) {
            env.put(kv.getKey(), kv.getValue());
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        if (!hostname.isEmpty()) {
            env.putIfAbsent("HOSTNAME", hostname);
        }
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    static String workingDir(ContainerConfig c, SpecInput.ImageDefaults image) {
        if (!c.getWorkingDir().isEmpty()) {
            return c.getWorkingDir();
        }
        return image.workingDir().isEmpty() ? "/" : image.workingDir();
    }

    static ObjectNode user(LinuxContainerSecurityContext sc, SpecInput.ImageDefaults image, UserResolver users) {
        String spec;
        if (sc.hasRunAsUser()) {
            spec = Long.toString(sc.getRunAsUser().getValue());
        } else if (!sc.getRunAsUsername().isEmpty()) {
            spec = sc.getRunAsUsername();
        } else {
            spec = image.user();
            if (sc.hasRunAsGroup() && spec.contains(":")) {
                spec = spec.substring(0, spec.indexOf(':'));
            }
        }
        if (sc.hasRunAsGroup() && !sc.hasRunAsUser() && sc.getRunAsUsername().isEmpty()) {
            throw new InvalidArgumentException("run_as_group is set without run_as_user or run_as_username");
        }
        Long group = sc.hasRunAsGroup() ? sc.getRunAsGroup().getValue() : null;
        boolean merge = sc.getSupplementalGroupsPolicy() != SupplementalGroupsPolicy.Strict;
        UserResolver.User u = users.resolve(spec, group, sc.getSupplementalGroupsList(), merge);
        ObjectNode n = F.objectNode();
        n.put("uid", u.uid());
        n.put("gid", u.gid());
        if (!u.additionalGids().isEmpty()) {
            ArrayNode a = n.putArray("additionalGids");
            u.additionalGids().forEach(a::add);
        }
        return n;
    }

    static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }
}
