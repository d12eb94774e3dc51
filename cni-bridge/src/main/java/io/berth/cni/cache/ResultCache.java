package io.berth.cni.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cni.config.NetworkConfigList;
import io.berth.cni.exec.RuntimeConf;
import io.berth.cni.spec.CniJson;
import io.berth.cni.spec.CniResult;
import io.berth.cni.spec.ResultParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attachments on disk, one file each: {@code <dir>/<network>-<containerId>-<ifname>.json},
 * written atomically (temp file and rename), so DEL finds the ADD result after a
 * berthd restart or kill -9 (spec: the runtime passes the cached result).
 */
public final class ResultCache {

    private static final Logger LOG = LoggerFactory.getLogger(ResultCache.class);
    private static final String FORMAT = "berth-cni-attachment/1";

    private final Path dir;

    public ResultCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String network, String containerId, String ifName) {
        return dir.resolve(network + "-" + containerId + "-" + ifName + ".json");
    }

    /**
     * Writes the record atomically (temp file, rename) but without fsync: it
     * must survive berthd dying (kill -9 keeps the page cache), which a
     * rename guarantees. A power loss is a reboot, after which the netns,
     * veth and iptables rules are gone anyway; what DEL still frees then is
     * host-local's lease, a file host-local itself writes without fsync (as
     * libcni writes its own result cache). An fsync here cost 15-24 ms on
     * the pod start path under this machine's load.
     */
    public void put(CachedAttachment a) throws IOException {
        RuntimeConf rt = a.runtime();
        Path target = file(a.network(), rt.containerId(), rt.ifName());
        byte[] content = CniJson.bytes(encode(a));
        Files.createDirectories(dir);
        Path tmp = dir.resolve(".pending-" + target.getFileName());
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public void remove(String network, String containerId, String ifName) throws IOException {
        Files.deleteIfExists(file(network, containerId, ifName));
    }

    /** Every attachment of one container, whatever its network. Unreadable files are skipped and logged. */
    public List<CachedAttachment> forContainer(String containerId) throws IOException {
        String infix = "-" + containerId + "-";
        List<CachedAttachment> out = new ArrayList<>();
        for (Path p : files()) {
            if (p.getFileName().toString().contains(infix)) {
                read(p).filter(a -> a.runtime().containerId().equals(containerId)).ifPresent(out::add);
            }
        }
        return out;
    }

    public List<CachedAttachment> all() throws IOException {
        List<CachedAttachment> out = new ArrayList<>();
        for (Path p : files()) {
            read(p).ifPresent(out::add);
        }
        return out;
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".json") && !n.startsWith(".");
            }).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static Optional<CachedAttachment> read(Path p) {
        try {
            return Optional.of(decode(CniJson.read(Files.readAllBytes(p)), p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable CNI cache file {}: {}", p, e.getMessage());
            return Optional.empty();
        }
    }

    private static ObjectNode encode(CachedAttachment a) {
        RuntimeConf rt = a.runtime();
        ObjectNode o = CniJson.object();
        o.put("kind", FORMAT);
        o.put("containerId", rt.containerId());
        o.put("ifName", rt.ifName());
        o.put("netns", rt.netns());
        ArrayNode args = o.putArray("cniArgs");
        rt.args().forEach(e -> args.addArray().add(e.getKey()).add(e.getValue()));
        o.set("capabilityArgs", CniJson.MAPPER.valueToTree(rt.capabilityArgs()));
        o.put("configSource", String.valueOf(a.list().source()));
        o.put("config", a.list().json());
        if (a.result() != null) {
            o.set("result", CniJson.read(a.result().rawJson()));
        }
        return o;
    }

    private static CachedAttachment decode(JsonNode o, Path file) throws IOException {
        if (!FORMAT.equals(CniJson.text(o, "kind"))) {
            throw new IOException("not a Berth CNI cache record");
        }
        List<Map.Entry<String, String>> args = new ArrayList<>();
        o.path("cniArgs").forEach(p -> args.add(new AbstractMap.SimpleImmutableEntry<>(p.get(0).asText(),
                p.get(1).asText())));
        @SuppressWarnings("unchecked")
        Map<String, Object> caps = CniJson.MAPPER.convertValue(o.path("capabilityArgs"), Map.class);
        RuntimeConf rt = new RuntimeConf(CniJson.text(o, "containerId"), CniJson.text(o, "netns"),
                CniJson.text(o, "ifName"), args, caps == null ? Map.of() : caps);
        String source = CniJson.text(o, "configSource");
        NetworkConfigList list = NetworkConfigList.parse(
                CniJson.text(o, "config").getBytes(StandardCharsets.UTF_8), Path.of(source == null ? file.toString() : source));
        JsonNode result = o.get("result");
        CniResult r = result == null || result.isNull() ? null
                : ResultParser.parse(result, CniJson.MAPPER.writeValueAsString(result));
        return new CachedAttachment(list, rt, r);
    }
}
