package io.berth.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's side of a real berthd (bin/berthd of this checkout): it tells
 * systemd READY=1 only once the CRI socket answers and STOPPING=1 on SIGTERM,
 * its /metrics shows the node gauges and periodic GC runs, and {@code berthd gc}
 * refuses while it runs, then lists and frees an unreferenced blob once it is
 * stopped. The same commands the docs give.
 */
class DaemonOpsIT {

    private static final Pattern METRICS_PORT = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");

    @TempDir
    Path dir;

    @Test
    void notifiesSystemdServesNodeMetricsAndCollectsGarbageByHandWhenStopped() throws Exception {
        Path config = dir.resolve("berth.toml");
        Files.writeString(config, "[metrics]\naddress = \"127.0.0.1:0\"\n[image]\ngc_interval = \"1s\"\n[cni]\n"
                + "conf_dir = \"" + dir.resolve("net.d") + "\"\nnetns_dir = \"" + dir.resolve("netns") + "\"\n");
        List<String> flags = List.of("--config", config.toString(), "--socket", "unix://" + dir.resolve("run/b.sock"),
                "--root", dir.resolve("root").toString(), "--state", dir.resolve("run").toString());
        Path orphan = plantOrphanBlob(dir.resolve("root"));
        Path log = dir.resolve("berthd.log");
        try (NotifySocket notify = new NotifySocket(dir.resolve("notify.sock"))) {
            List<String> cmd = new ArrayList<>(List.of(Commands.REPO.resolve("bin/berthd").toString()));
            cmd.addAll(flags);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("NOTIFY_SOCKET", notify.path.toString());
            Process berthd = pb.start();
            try {
                String ready = notify.next(Duration.ofSeconds(90));
                assertNotNull(ready, "no READY=1 within 90 s:\n" + Files.readString(log));
                assertTrue(ready.startsWith("READY=1\n"), ready);
                assertTrue(ready.contains("MAINPID=" + berthd.pid()), ready);
                assertTrue(Files.exists(dir.resolve("run/b.sock")), "READY comes after the socket is served");
                assertTrue(Files.readString(log).contains("serving CRI on"), "and after the log says so");

                String metrics = awaitGcRun(port(log));
                assertFalse(Files.exists(orphan), "start-up or periodic GC freed the unreferenced blob");
                for (String series : List.of("berth_pods{state=\"ready\"} 0", "berth_containers{state=\"running\"} 0",
                        "berth_shims 0", "berth_containers_oom_killed 0", "berth_gc_freed_bytes_total")) {
                    assertTrue(metrics.contains(series), series + " in\n" + metrics);
                }

                Commands.Result refused = Commands.run(gc(flags, "--dry-run"), 120);
                assertEquals(1, refused.exit(), refused.output());
                assertTrue(refused.output().contains("pid " + berthd.pid()), refused.output());

                berthd.destroy(); // SIGTERM
                assertEquals("STOPPING=1\nSTATUS=stopping", notify.next(Duration.ofSeconds(30)));
                assertTrue(berthd.waitFor(30, TimeUnit.SECONDS), "berthd stops after SIGTERM");
                assertEquals(0, berthd.exitValue(), Files.readString(log));
            } finally {
                berthd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        // The daemon's own periodic GC freed the orphan at start-up already; plant another.
        orphan = plantOrphanBlob(dir.resolve("root"));
        String digest = "sha256:" + orphan.getFileName();
        Path leftover = Files.write(dir.resolve("root/content/ingest").resolve(orphan.getFileName() + ".1f"),
                new byte[4096]);
        Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Commands.Result dry = Commands.run(gc(flags, "--dry-run"), 120).expectSuccess(gc(flags, "--dry-run"));
        assertTrue(dry.output().contains("would free blob " + digest + " (" + Files.size(orphan) + " bytes): "),
                dry.output());
        assertTrue(dry.output().contains("would free " + leftover + " (4096 bytes): a partial download"),
                dry.output());
        assertTrue(Files.exists(orphan) && Files.exists(leftover), "a dry run deletes nothing");
        Commands.Result real = Commands.run(gc(flags), 120).expectSuccess(gc(flags));
        assertTrue(real.output().contains("freed 1 blobs, 0 snapshots and 1 partial downloads"), real.output());
        assertFalse(Files.exists(orphan));
        assertFalse(Files.exists(leftover));
    }

    private static List<String> gc(List<String> flags, String... more) {
        List<String> cmd = new ArrayList<>(List.of(Commands.REPO.resolve("bin/berthd").toString(), "gc"));
        cmd.addAll(List.of(more));
        cmd.addAll(flags);
        return cmd;
    }

    /** A blob file in the content store's layout that no image lists. */
    private static Path plantOrphanBlob(Path root) throws Exception {
        byte[] data = ("orphan " + Instant.now() + System.nanoTime()).getBytes();
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        Path blob = Files.createDirectories(root.resolve("content/blobs/sha256")).resolve(hex);
        Files.write(blob, data);
        return blob;
    }

    private static int port(Path log) throws Exception {
        Matcher m = METRICS_PORT.matcher(Files.readString(log));
        assertTrue(m.find(), "the log names the metrics port:\n" + Files.readString(log));
        return Integer.parseInt(m.group(1));
    }

    /** /metrics once the 1 s periodic collection has run at least once. */
    private static String awaitGcRun(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        Instant end = Instant.now().plusSeconds(30);
        String body = "";
        while (Instant.now().isBefore(end)) {
            body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("berth_gc_runs_total\\{result=\"ok\"} (\\d+)").matcher(body);
            if (m.find() && Double.parseDouble(m.group(1)) >= 1) {
                return body;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no periodic GC run in 30 s:\n" + body);
    }
}
