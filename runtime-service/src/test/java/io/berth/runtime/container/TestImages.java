package io.berth.runtime.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.exec.Command;
import io.berth.common.exec.CommandRunner;
import io.berth.image.content.ContentStore;
import io.berth.image.ref.Digest;
import io.berth.image.snapshot.Snapshotter;
import io.berth.image.store.ImageRecord;
import io.berth.image.store.ImageStore;
import io.berth.image.store.LayerRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Busybox images built the way a pull leaves them: layer tars unpacked by the
 * real snapshotter, the config blob in the content store, the record in the
 * image store. No registry: the image-service's registry test support is not
 * published as a test-jar.
 */
final class TestImages {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TAR = "application/vnd.oci.image.layer.v1.tar";
    private static final String[] APPLETS = {"sh", "sleep", "cat", "echo", "seq", "head", "tr", "kill", "printf",
        "true", "false", "test", "ls", "mkdir", "touch", "dd", "wc", "grep", "ps", "id", "mount", "stat", "yes",
        "trap", "exit", "rm", "env", "tail", "hostname"};

    private final Path work;
    private final ContentStore content;
    private final Snapshotter snapshots;
    private final ImageStore images;

    TestImages(Path work, ContentStore content, Snapshotter snapshots, ImageStore images) {
        this.work = work;
        this.content = content;
        this.snapshots = snapshots;
        this.images = images;
    }

    /** busybox plus {@code extraLayers} layers that each add /layers/N; returns the name to use. */
    String busybox(String name, int extraLayers, String stopSignal) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        List<Path> tars = new ArrayList<>();
        tars.add(baseLayer(dir));
        for (int i = 1; i <= extraLayers; i++) {
            Path d = Files.createDirectories(dir.resolve("l" + i).resolve("layers"));
            Files.writeString(d.resolve(Integer.toString(i)), "layer " + i + "\n");
            tars.add(tar(d.getParent(), dir.resolve("l" + i + ".tar")));
        }
        List<LayerRecord> layers = new ArrayList<>();
        String parent = null;
        ArrayNode diffIds = JSON.createArrayNode();
        for (Path t : tars) {
            String diff = Digest.of(Files.readAllBytes(t)).toString();
            String chain = parent == null ? diff
                    : Digest.of((parent + " " + diff).getBytes(StandardCharsets.UTF_8)).toString();
            snapshots.unpack(chain, parent, t, TAR);
            layers.add(new LayerRecord(diff, TAR, Files.size(t), diff, chain));
            diffIds.add(diff);
            parent = chain;
        }
        ObjectNode cfg = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        ObjectNode c = cfg.putObject("config");
        c.putArray("Env").add("PATH=/bin");
        c.putArray("Cmd").add("sh");
        if (!stopSignal.isEmpty()) {
            c.put("StopSignal", stopSignal);
        }
        cfg.putObject("rootfs").put("type", "layers").set("diff_ids", diffIds);
        byte[] blob = JSON.writeValueAsBytes(cfg);
        Digest id = Digest.of(blob);
        content.put(id, blob);
        String ref = "docker.io/library/" + name + ":it";
        images.put(new ImageRecord(id.toString(), Digest.of(("manifest of " + id).getBytes()).toString(), null, layers,
                List.of(ref), List.of(), blob.length, "", System.currentTimeMillis()));
        return ref;
    }

    private Path baseLayer(Path dir) throws IOException {
        Path root = dir.resolve("base");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String a : APPLETS) {
            Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
        }
        for (String d : List.of("proc", "dev", "sys", "tmp", "etc", "mnt", "data")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        return tar(root, dir.resolve("base.tar"));
    }

    private Path tar(Path dir, Path out) throws IOException {
        var r = CommandRunner.system().run(Command.of(Duration.ofSeconds(60), "tar", "--numeric-owner", "-C",
                dir.toString(), "-cf", out.toString(), "."));
        if (!r.ok()) {
            throw new IOException("tar failed: " + r.stderrText());
        }
        return out;
    }
}
