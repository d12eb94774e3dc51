package io.berth.runtime.shim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.InternalException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the berth-shim binary and reads its sync pipe (its stdout): one JSON object
 * per line. Keep in sync with shim/PROTOCOL.md, "Sync pipe".
 */
public final class NativeShimLauncher implements ShimLauncher {

    /** Beyond the shim's own start-up timeout, which it enforces and reports itself. */
    private static final Duration ANSWER_GRACE = Duration.ofSeconds(5);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path binary;

    public NativeShimLauncher(Path binary) {
        this.binary = binary;
    }

    @Override
    public ShimProcess start(ShimConfig config) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(binary.toString());
        argv.addAll(config.toArgs());
        Process launched = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        SyncReader sync = new SyncReader(launched.getInputStream());
        Thread.ofVirtual().name("shim-sync-" + config.id()).start(sync);
        Duration limit = config.startupTimeout().plus(ANSWER_GRACE);
        boolean ok = false;
        try {
            JsonNode answer = sync.result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            ShimProcess started = interpret(config, sync.shimPid.get(), answer, launched);
            ok = true;
            return started;
        } catch (TimeoutException e) {
            throw new DeadlineExceededException("shim of " + config.id() + " gave no answer within " + limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while starting the shim of " + config.id());
        } catch (ExecutionException e) {
            throw new IOException("reading the sync pipe of the shim of " + config.id(), e.getCause());
        } finally {
            if (!ok) {
                killAndWait(sync.shimPid.get(), launched);
            }
            launched.getInputStream().close();
        }
    }

    private static ShimProcess interpret(ShimConfig c, long shimPid, JsonNode answer, Process launched)
            throws InterruptedException {
        if (answer == null) {
            launched.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            String status = launched.isAlive() ? "still running" : "status " + launched.exitValue();
            throw new InternalException("shim of " + c.id() + " exited without an answer (" + status + ")");
        }
        String type = answer.path("type").asText();
        if ("started".equals(type) && shimPid > 0) {
            return new ShimProcess(shimPid, answer.path("pid").asLong(), c.socket(), c.exitFile());
        }
        if ("error".equals(type)) {
            // The shim undid its work and exits by itself; wait so the caller sees no process.
            if (shimPid > 0) {
                Pids.awaitGone(shimPid, KILL_WAIT);
            }
            throw new ShimStartException(c.id(), answer.path("stage").asText("unknown"),
                    answer.path("status").asInt(-1), answer.path("message").asText(""));
        }
        throw new InternalException("shim of " + c.id() + " sent an unexpected answer: " + answer);
    }

    private static void killAndWait(long shimPid, Process launched) {
        launched.destroyForcibly();
        if (shimPid > 0) {
            Pids.kill(shimPid);
            try {
                Pids.awaitGone(shimPid, KILL_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            launched.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads lines until the final answer ("started" or "error") or EOF (null). */
    private static final class SyncReader implements Runnable {
        final AtomicLong shimPid = new AtomicLong(-1);
        final CompletableFuture<JsonNode> result = new CompletableFuture<>();
        private final InputStream in;

        SyncReader(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonNode msg = JSON.readTree(line);
                    if ("shim".equals(msg.path("type").asText())) {
                        shimPid.set(msg.path("pid").asLong());
                    } else {
                        result.complete(msg);
                        return;
                    }
                }
                result.complete(null);
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }
    }
}
