package io.berth.runtime.shim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** berth-shim with real runc and a busybox container: exits, logs, OOM, detachment. */
class ShimContainerIT {

    private ShimFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new ShimFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    @ParameterizedTest
    @CsvSource({"exit 0, 0", "exit 1, 1", "exit 137, 137", "'echo bye; exit 42', 42"})
    void exitCodeIsRecorded(String script, int expected) throws Exception {
        String id = fx.token + "-exit";
        ShimProcess p = fx.start(fx.config(id, fx.bundle(id, script)));
        assertTrue(p.pid() > 0);
        ShimExit exit = fx.awaitExit(id);
        assertEquals(expected, exit.exitCode());
        assertEquals(0, exit.signal());
        assertFalse(exit.oomKilled());
        assertFalse(Files.exists(p.socket()), "socket removed before the exit file appears");
    }

    @Test
    void sigkillFromOutsideIs137() throws Exception {
        String id = fx.token + "-kill";
        ShimProcess p = fx.start(fx.config(id, fx.bundle(id, "read x; echo ready; exec sleep 1000"))
                .withStdio(new ShimConfig.Stdio(false, true, false)));
        CompletableFuture<Void> ready = new CompletableFuture<>();
        try (AttachClient c = AttachClient.connect(p.socket(), new AttachClient.Output() {
            @Override
            public void stdout(byte[] data) {
                ready.complete(null);
            }

            @Override
            public void stderr(byte[] data) {
            }
        })) {
            c.subscribe(true, true);
            c.writeStdin("go\n".getBytes(StandardCharsets.US_ASCII));
            ready.get(30, TimeUnit.SECONDS);
        }
        ProcessHandle.of(p.pid()).orElseThrow().destroyForcibly();
        ShimExit exit = fx.awaitExit(id);
        assertEquals(137, exit.exitCode());
        assertEquals(9, exit.signal());
        assertEquals("ready\n", fx.stdout(id));
    }

    @Test
    void deathBySignalIs128PlusSignal() throws Exception {
        // Without its own pid namespace sh is no namespace init, so its own SIGTERM kills it.
        String id = fx.token + "-sig";
        Path b = fx.bundle(id, List.of("sh", "-c", "kill -TERM $$; sleep 5"), cfg -> {
            var ns = (com.fasterxml.jackson.databind.node.ArrayNode) cfg.get("linux").get("namespaces");
            for (int i = ns.size() - 1; i >= 0; i--) {
                if ("pid".equals(ns.get(i).get("type").asText())) {
                    ns.remove(i);
                }
            }
        });
        fx.start(fx.config(id, b));
        ShimExit exit = fx.awaitExit(id);
        assertEquals(143, exit.exitCode());
        assertEquals(15, exit.signal());
    }

    @Test
    void oneMebibyteLineIsSplitAndReassembled() throws Exception {
        String id = fx.token + "-mib";
        fx.start(fx.config(id, fx.bundle(id, "head -c 1048576 /dev/zero | tr '\\0' x; echo; echo tail >&2")));
        assertEquals(0, fx.awaitExit(id).exitCode());
        byte[] raw = Files.readAllBytes(fx.logDir.resolve(id + ".log"));
        String text = new String(raw, StandardCharsets.US_ASCII);
        long partial = text.lines().filter(l -> l.contains(" stdout P ")).count();
        long full = text.lines().filter(l -> l.contains(" stdout F ")).count();
        assertEquals(63, partial, "1 MiB = 63 P records of 16 KiB and one F");
        assertEquals(1, full);
        assertTrue(text.lines().allMatch(l -> l.length() <= 30 + 10 + ShimProtocol.LOG_MAX_LINE));
        CriLog.Streams s = CriLog.parse(raw);
        assertEquals("x".repeat(1 << 20) + "\n", new String(s.stdout(), StandardCharsets.US_ASCII));
        assertEquals("tail\n", new String(s.stderr(), StandardCharsets.US_ASCII));
        assertEquals(0, s.malformed());
    }

    @Test
    void partialLastLineIsWrittenAsFull() throws Exception {
        String id = fx.token + "-part";
        fx.start(fx.config(id, fx.bundle(id, "printf 'a\\nno-newline'")));
        fx.awaitExit(id);
        List<String> lines = Files.readAllLines(fx.logDir.resolve(id + ".log"));
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).endsWith(" stdout F no-newline"), lines.get(1));
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z stdout F a"), lines.get(0));
    }

    @Test
    void fiftyMegabytesArriveIntact() throws Exception {
        String id = fx.token + "-50mb";
        int n = 6_500_000;
        fx.start(fx.config(id, fx.bundle(id, "seq 1 " + n)));
        assertEquals(0, fx.awaitExit(id).exitCode());
        MessageDigest want = MessageDigest.getInstance("SHA-256");
        long size = 0;
        for (int i = 1; i <= n; i++) {
            byte[] line = (i + "\n").getBytes(StandardCharsets.US_ASCII);
            want.update(line);
            size += line.length;
        }
        CriLog.Streams s = fx.log(id);
        assertTrue(size > 50_000_000, "the test writes more than 50 MB");
        assertEquals(size, s.stdout().length);
        assertArrayEquals(want.digest(), MessageDigest.getInstance("SHA-256").digest(s.stdout()));
    }

    @Test
    void logReopenUnderContinuousOutputLosesAndDuplicatesNothing() throws Exception {
        String id = fx.token + "-rot";
        int n = 3_000_000;
        ShimProcess p = fx.start(fx.config(id, fx.bundle(id, "seq 1 " + n)));
        Path log = fx.logDir.resolve(id + ".log");
        int rotations = 0;
        try (AttachClient control = AttachClient.connect(p.socket(), null)) {
            while (!fx.exits.hasExited(id) && rotations < 30) {
                Files.move(log, fx.logDir.resolve(id + ".log." + rotations));
                control.reopenLog();
                rotations++;
            }
        } catch (java.io.IOException e) {
            // the container may finish between the check and the request; what was rotated counts
        }
        assertEquals(0, fx.awaitExit(id).exitCode());
        assertTrue(rotations >= 2, "rotated while the container wrote, got " + rotations);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < rotations; i++) {
            all.write(CriLog.read(fx.logDir.resolve(id + ".log." + i)).stdout());
        }
        if (Files.exists(log)) {
            all.write(CriLog.read(log).stdout());
        }
        StringBuilder want = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            want.append(i).append('\n');
        }
        assertEquals(want.toString(), all.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void oomKillIsDetected() throws Exception {
        String id = fx.token + "-oom";
        long limit = 16L << 20;
        Path b = fx.bundle(id, List.of("sh", "-c", "cat /dev/zero | tail -n 1"), cfg -> {
            var mem = ((com.fasterxml.jackson.databind.node.ObjectNode) cfg.get("linux"))
                    .putObject("resources").putObject("memory");
            mem.put("limit", limit);
            if (Files.exists(Path.of("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"))) {
                mem.put("swap", limit);
            }
        });
        fx.start(fx.config(id, b));
        ShimExit exit = fx.awaitExit(id);
        assertTrue(exit.oomKilled(), "OOM kill recorded: " + exit);
        assertEquals("OOMKilled", exit.reason());
        assertTrue(exit.exitCode() != 0);
    }

    @Test
    void survivesSigkillOfItsStarter() throws Exception {
        String id = fx.token + "-orphan";
        Path starterPid = fx.dir.resolve("starter.pid");
        Path wrapper = fx.dir.resolve("starter.sh");
        // The starter stays alive after the shim detached, as berthd would, until it is killed.
        Files.writeString(wrapper, "#!/bin/sh\necho $$ > " + starterPid + "\n" + ShimFixture.SHIM
                + " \"$@\"\nexec sleep 600\n");
        wrapper.toFile().setExecutable(true);
        ShimProcess p = new NativeShimLauncher(wrapper).start(fx.config(id, fx.bundle(id, "read x; exit 5"))
                .withStdio(new ShimConfig.Stdio(false, true, false)));
        fx.containers(id, p);
        long starter = Long.parseLong(Files.readString(starterPid).trim());
        ProcessHandle.of(starter).orElseThrow().destroyForcibly();
        assertTrue(Pids.awaitGone(starter, ShimFixture.WAIT));
        assertFalse(Pids.isGone(p.shimPid()), "the shim outlives its starter");
        try (AttachClient c = AttachClient.connect(p.socket(), null)) {
            c.writeStdin("go\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals(5, fx.awaitExit(id).exitCode());
    }
}
