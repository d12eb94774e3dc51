package io.berth.cni.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cni.config.NetworkConfigList;
import io.berth.cni.spec.CniCommand;
import io.berth.cni.spec.CniJson;
import io.berth.cni.spec.CniPluginException;
import io.berth.cni.spec.CniResult;
import io.berth.cni.spec.CniVersions;
import io.berth.cni.spec.ErrorParser;
import io.berth.cni.spec.ResultParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs network configuration lists through their plugins per the CNI spec
 * (1.0/1.1): ADD in order with each plugin getting the previous result, DEL in
 * reverse with the cached result, CHECK, STATUS and GC for 1.1.0 lists, and
 * VERSION. Holds no per-attachment state; caching results is the caller's job.
 */
public final class CniExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(CniExecutor.class);

    /**
     * Plugins run with a clean environment, but they exec helpers
     * (iptables, ip6tables) by name, so they need a PATH.
     */
    static final String PLUGIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * Plugins that do nothing, on any command, without their capability's
     * runtimeConfig: portmap has no static mappings, so without portMappings
     * its ADD only echoes prevResult and its DEL and CHECK return at once
     * (DEL since containernetworking/plugins #509, in 0.9; Debian ships 1.1).
     * Skipping them saves a process start, and portmap's iptables lock, per
     * pod and command: the pod's result is the same.
     */
    private static final Map<String, String> IDLE_WITHOUT = Map.of("portmap", "portMappings");

    private final CniPluginInvoker invoker;
    private final List<Path> binDirs;
    private final String cniPath;
    private final Duration timeout;
    private final Map<String, CachedVersion> versions = new ConcurrentHashMap<>();

    private record CachedVersion(Path binary, FileTime mtime, VersionInfo info) {
    }

    public CniExecutor(CniPluginInvoker invoker, List<Path> binDirs, Duration timeout) {
        this.invoker = invoker;
        this.binDirs = List.copyOf(binDirs);
        this.cniPath = String.join(":", binDirs.stream().map(Path::toString).toList());
        this.timeout = timeout;
    }

    /**
     * ADD through the chain. On a failure the whole list is DELeted in reverse
     * (spec: "execute the DEL action for all plugins in the list") before the
     * original error is thrown, so nothing the earlier plugins made is left.
     */
    public CniResult add(NetworkConfigList list, RuntimeConf rt) {
        CniResult prev = null;
        try {
            for (ObjectNode plugin : list.plugins()) {
                ObjectNode conf = PluginConfigs.forAttachment(list, plugin, rt, prev);
                if (idle(conf)) {
                    continue;
                }
                byte[] out = run(plugin, CniCommand.ADD, attachmentEnv(CniCommand.ADD, rt), conf);
                prev = out.length == 0 && prev != null ? prev : parseResult(plugin, out);
            }
            return prev;
        } catch (RuntimeException e) {
            rollback(list, rt, prev, e);
            throw e;
        }
    }

    private void rollback(NetworkConfigList list, RuntimeConf rt, CniResult prev, RuntimeException cause) {
        try {
            del(list, rt, prev);
        } catch (RuntimeException delFailure) {
            cause.addSuppressed(delFailure);
            LOG.warn("rollback of failed CNI ADD for {} on network {} failed: {}", rt.containerId(),
                    list.name(), delFailure.getMessage());
        }
    }

    /**
     * DEL in reverse order. Every plugin is tried even when one fails, so that
     * one broken plugin does not keep the others' resources; the first failure
     * is thrown afterwards.
     */
    public void del(NetworkConfigList list, RuntimeConf rt, CniResult prevResult) {
        List<ObjectNode> plugins = list.plugins().reversed();
        RuntimeException first = null;
        for (ObjectNode plugin : plugins) {
            ObjectNode conf = PluginConfigs.forAttachment(list, plugin, rt, prevResult);
            if (idle(conf)) {
                continue;
            }
            try {
                run(plugin, CniCommand.DEL, attachmentEnv(CniCommand.DEL, rt), conf);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** CHECK in order; a no-op for lists older than 0.4.0 or with disableCheck. */
    public void check(NetworkConfigList list, RuntimeConf rt, CniResult prevResult) {
        if (list.disableCheck() || !CniVersions.atLeast(list.cniVersion(), "0.4.0")) {
            return;
        }
        for (ObjectNode plugin : list.plugins()) {
            ObjectNode conf = PluginConfigs.forAttachment(list, plugin, rt, prevResult);
            if (!idle(conf)) {
                run(plugin, CniCommand.CHECK, attachmentEnv(CniCommand.CHECK, rt), conf);
            }
        }
    }

    /**
     * STATUS for each plugin that speaks 1.1.0; lists of older versions are
     * taken as ready (spec 1.1.0 "STATUS").
     */
    public void status(NetworkConfigList list) {
        if (!CniVersions.atLeast(list.cniVersion(), "1.1.0")) {
            return;
        }
        for (ObjectNode plugin : list.plugins()) {
            String type = plugin.path("type").asText();
            if (version(type).supports(list.cniVersion())) {
                run(plugin, CniCommand.STATUS, baseEnv(CniCommand.STATUS), PluginConfigs.base(list, plugin));
            }
        }
    }

    /** GC with the attachments to keep; skipped below 1.1.0 or with disableGC. */
    public void gc(NetworkConfigList list, List<GcAttachment> valid) {
        if (list.disableGC() || !CniVersions.atLeast(list.cniVersion(), "1.1.0")) {
            return;
        }
        JsonNode attachments = CniJson.MAPPER.valueToTree(valid.stream()
                .map(a -> Map.of("containerID", a.containerId(), "ifname", a.ifName())).toList());
        for (ObjectNode plugin : list.plugins()) {
            String type = plugin.path("type").asText();
            if (!version(type).supports(list.cniVersion())) {
                continue;
            }
            ObjectNode conf = PluginConfigs.base(list, plugin);
            conf.set("cni.dev/valid-attachments", attachments);
            // libcni sends the key under both names: an early 1.1 draft used this one.
            conf.set("cni.dev/attachments", attachments);
            run(plugin, CniCommand.GC, baseEnv(CniCommand.GC), conf);
        }
    }

    /** VERSION, cached per binary until the file changes. */
    public VersionInfo version(String type) {
        Path bin = invoker.locate(type).orElseThrow(() -> new PluginNotFoundException(type, binDirs));
        FileTime mtime = mtime(bin);
        CachedVersion c = versions.get(type);
        if (c != null && c.binary().equals(bin) && c.mtime().equals(mtime)) {
            return c.info();
        }
        ObjectNode stdin = CniJson.object().put("cniVersion", CniVersions.SUPPORTED.getLast());
        ObjectNode pseudo = CniJson.object().put("type", type);
        byte[] out = run(pseudo, CniCommand.VERSION, baseEnv(CniCommand.VERSION), stdin);
        VersionInfo info = parseVersion(type, out);
        versions.put(type, new CachedVersion(bin, mtime, info));
        return info;
    }

    private static VersionInfo parseVersion(String type, byte[] out) {
        try {
            JsonNode node = CniJson.read(out);
            return new VersionInfo(CniJson.text(node, "cniVersion"), CniJson.strings(node, "supportedVersions"));
        } catch (IOException | RuntimeException e) {
            throw new CniPluginException(type, CniCommand.VERSION, CniPluginException.DECODE_FAILURE,
                    "unreadable VERSION answer: " + e.getMessage(), null, null);
        }
    }

    private static FileTime mtime(Path bin) {
        try {
            return Files.getLastModifiedTime(bin);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private byte[] run(ObjectNode plugin, CniCommand command, Map<String, String> env, ObjectNode stdin) {
        String type = plugin.path("type").asText();
        PluginOutput out;
        long start = System.nanoTime();
        try {
            out = invoker.invoke(new PluginCall(type, command, env, CniJson.bytes(stdin), timeout));
        } catch (IOException e) {
            throw new CniPluginException(type, command, CniPluginException.IO_FAILURE,
                    "cannot run plugin: " + e.getMessage(), null, null);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("CNI {} {} for {}: exit {} in {} ms", type, command, env.getOrDefault("CNI_CONTAINERID", "-"),
                    out.exitCode(), (System.nanoTime() - start) / 1_000_000);
        }
        if (out.exitCode() != 0) {
            throw ErrorParser.parse(type, command, out.exitCode(), out.stdout(), out.stderr());
        }
        return out.stdout();
    }

    /** Whether the plugin, with this stdin, is one of {@link #IDLE_WITHOUT} lacking its capability. */
    static boolean idle(ObjectNode conf) {
        String capability = IDLE_WITHOUT.get(conf.path("type").asText());
        if (capability == null) {
            return false;
        }
        JsonNode value = conf.path("runtimeConfig").path(capability);
        return value.isMissingNode() || value.isNull() || value.isEmpty();
    }

    private static CniResult parseResult(ObjectNode plugin, byte[] out) {
        try {
            return ResultParser.parse(out);
        } catch (IOException e) {
            throw new CniPluginException(plugin.path("type").asText(), CniCommand.ADD,
                    CniPluginException.DECODE_FAILURE, "unreadable ADD result: " + e.getMessage(), null, null);
        }
    }

    private Map<String, String> attachmentEnv(CniCommand command, RuntimeConf rt) {
        Map<String, String> env = baseEnv(command);
        env.put("CNI_CONTAINERID", rt.containerId());
        env.put("CNI_NETNS", rt.netns());
        env.put("CNI_IFNAME", rt.ifName());
        env.put("CNI_ARGS", rt.cniArgs());
        return env;
    }

    private Map<String, String> baseEnv(CniCommand command) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command.name());
        env.put("CNI_PATH", cniPath);
        env.put("PATH", PLUGIN_PATH);
        return env;
    }
}
