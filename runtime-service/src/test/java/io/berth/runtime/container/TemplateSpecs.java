package io.berth.runtime.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.exec.Command;
import io.berth.common.exec.CommandRunner;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.Device;
import io.berth.cri.v1.KeyValue;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.Mount;
import io.berth.runtime.sandbox.Sandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The integration tests' stand-in for io.berth.runtime.oci.OciSpecGenerator,
 * which the OCI spec engineer is writing: `runc spec`'s template with only
 * the fields these tests exercise filled in. Not a generator for berthd: it
 * lives in src/test and goes away once the real one lands.
 */
final class TemplateSpecs implements ContainerSpecs {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final byte[] template;

    TemplateSpecs(Path scratch) throws IOException {
        Path b = Files.createDirectories(scratch.resolve("runc-spec"));
        var r = CommandRunner.system().run(Command.of(Duration.ofSeconds(30), "runc", "spec", "--bundle", b.toString()));
        if (!r.ok()) {
            throw new IOException("runc spec: " + r.stderrText());
        }
        template = Files.readAllBytes(b.resolve("config.json"));
    }

    @Override
    public byte[] configJson(Request r) {
        try {
            ObjectNode spec = (ObjectNode) JSON.readTree(template);
            ContainerConfig c = r.config();
            process((ObjectNode) spec.get("process"), r);
            ((ObjectNode) spec.get("root")).put("path", r.rootfs().toString())
                    .put("readonly", c.getLinux().getSecurityContext().getReadonlyRootfs());
            spec.put("hostname", r.sandbox().parsedConfig().getHostname());
            ObjectNode linux = (ObjectNode) spec.get("linux");
            linux.put("cgroupsPath", r.cgroupsPath());
            namespaces(linux, r.sandbox());
            mounts((ArrayNode) spec.get("mounts"), c);
            devices(linux, c);
            resources((ObjectNode) linux.get("resources"), c.getLinux().getResources());
            return JSON.writeValueAsBytes(spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void process(ObjectNode p, Request r) {
        ContainerConfig c = r.config();
        p.put("terminal", false);
        List<String> args = new ArrayList<>(c.getCommandCount() > 0 ? c.getCommandList() : r.image().entrypoint());
        args.addAll(c.getArgsCount() > 0 || c.getCommandCount() > 0 ? c.getArgsList() : r.image().cmd());
        ArrayNode a = p.putArray("args");
        args.forEach(a::add);
        ArrayNode env = p.putArray("env");
        r.image().env().forEach(env::add);
        for (KeyValue kv : c.getEnvsList()) {
            env.add(kv.getKey() + "=" + kv.getValue());
        }
        p.put("cwd", c.getWorkingDir().isEmpty() ? "/" : c.getWorkingDir());
    }

    private static void namespaces(ObjectNode linux, Sandbox s) {
        ArrayNode ns = linux.putArray("namespaces");
        ns.addObject().put("type", "pid");
        ns.addObject().put("type", "mount");
        if (s.namespaces().netns() != null) {
            ns.addObject().put("type", "network").put("path", s.namespaces().netns());
        }
        ns.addObject().put("type", "ipc").put("path", s.namespaces().ipc());
        ns.addObject().put("type", "uts").put("path", s.namespaces().uts());
    }

    private static void mounts(ArrayNode mounts, ContainerConfig c) {
        for (Mount m : c.getMountsList()) {
            if (!Files.exists(Path.of(m.getHostPath()))) {
                throw new InvalidArgumentException("host path \"" + m.getHostPath() + "\" of mount "
                        + m.getContainerPath() + " does not exist");
            }
            ObjectNode o = mounts.addObject().put("destination", m.getContainerPath()).put("type", "bind")
                    .put("source", m.getHostPath());
            ArrayNode opts = o.putArray("options").add("rbind");
            opts.add(switch (m.getPropagation()) {
                case PROPAGATION_HOST_TO_CONTAINER -> "rslave";
                case PROPAGATION_BIDIRECTIONAL -> "rshared";
                default -> "rprivate";
            });
            if (m.getReadonly()) {
                opts.add("ro");
            }
        }
    }

    private static void devices(ObjectNode linux, ContainerConfig c) throws IOException {
        ArrayNode devs = linux.putArray("devices");
        ArrayNode allow = (ArrayNode) linux.get("resources").get("devices");
        for (Device d : c.getDevicesList()) {
            var attrs = Files.readAttributes(Path.of(d.getHostPath()), "unix:rdev,mode");
            long rdev = ((Number) attrs.get("rdev")).longValue();
            long major = (rdev >> 8) & 0xfff;
            long minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
            devs.addObject().put("path", d.getContainerPath()).put("type", "c").put("major", major)
                    .put("minor", minor).put("fileMode", 0666).put("uid", 0).put("gid", 0);
            allow.addObject().put("allow", true).put("type", "c").put("major", major).put("minor", minor)
                    .put("access", d.getPermissions());
        }
    }

    private static void resources(ObjectNode res, LinuxContainerResources r) {
        if (r.getMemoryLimitInBytes() > 0) {
            res.putObject("memory").put("limit", r.getMemoryLimitInBytes());
        }
        if (r.getCpuShares() > 0 || r.getCpuQuota() > 0) {
            ObjectNode cpu = res.putObject("cpu");
            if (r.getCpuShares() > 0) {
                cpu.put("shares", r.getCpuShares());
            }
            if (r.getCpuQuota() > 0) {
                cpu.put("quota", r.getCpuQuota()).put("period", r.getCpuPeriod() > 0 ? r.getCpuPeriod() : 100000);
            }
        }
    }
}
