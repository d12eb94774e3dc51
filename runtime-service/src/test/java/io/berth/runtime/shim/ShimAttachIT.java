package io.berth.runtime.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Attach through the shim's socket: stdin, stdin_once, terminal, resize. Real runc. */
class ShimAttachIT {

    private static final ShimConfig.Stdio PIPES_STDIN = new ShimConfig.Stdio(false, true, true);
    private static final ShimConfig.Stdio TTY_STDIN = new ShimConfig.Stdio(true, true, false);

    private ShimFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new ShimFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void stdinIsForwardedAndClosedOnRequest() throws Exception {
        String id = fx.token + "-cat";
        ShimProcess p = fx.start(fx.config(id, fx.bundle(id, "cat; echo done >&2")).withStdio(PIPES_STDIN));
        OutputCollector out = new OutputCollector();
        try (AttachClient c = AttachClient.connect(p.socket(), out)) {
            c.subscribe(true, true);
            c.writeStdin("hello\n".getBytes(StandardCharsets.UTF_8));
            out.awaitStdout("hello\n", ShimFixture.WAIT);
            c.closeStdin();
            assertEquals(0, c.exit().get(30, TimeUnit.SECONDS));
        }
        assertEquals(0, fx.awaitExit(id).exitCode());
        assertEquals("hello\n", fx.stdout(id));
        assertEquals("done\n", new String(fx.log(id).stderr(), StandardCharsets.UTF_8));
    }

    @Test
    void stdinOnceClosesWhenTheWriterLeaves() throws Exception {
        String id = fx.token + "-once";
        ShimProcess p = fx.start(fx.config(id, fx.bundle(id, "cat")).withStdio(PIPES_STDIN));
        try (AttachClient c = AttachClient.connect(p.socket(), null)) {
            c.writeStdin("bye\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(0, fx.awaitExit(id).exitCode());
        assertEquals("bye\n", fx.stdout(id));
    }

    @Test
    void outputReachesEveryAttachedClient() throws Exception {
        String id = fx.token + "-fan";
        ShimProcess p = fx.start(fx.config(id, fx.bundle(id, "read x; echo to-all; echo oops >&2"))
                .withStdio(PIPES_STDIN));
        OutputCollector a = new OutputCollector();
        OutputCollector b = new OutputCollector();
        try (AttachClient ca = AttachClient.connect(p.socket(), a);
             AttachClient cb = AttachClient.connect(p.socket(), b)) {
            ca.subscribe(true, true);
            cb.subscribe(true, false);
            ca.reopenLog(); // a round trip on each, so both subscriptions are in place
            cb.reopenLog();
            ca.writeStdin("go\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(0, ca.exit().get(30, TimeUnit.SECONDS));
            assertEquals(0, cb.exit().get(30, TimeUnit.SECONDS));
        }
        assertEquals("to-all\n", a.stdout());
        assertEquals("to-all\n", b.stdout());
        assertEquals("oops\n", a.stderr());
        assertEquals("", b.stderr(), "stderr was not subscribed");
    }

    @Test
    void terminalWithResize() throws Exception {
        String id = fx.token + "-tty";
        var bundle = fx.bundle(id, List.of("sh", "-c", "read x; stty size; echo got-$x"),
                cfg -> ((com.fasterxml.jackson.databind.node.ObjectNode) cfg.get("process")).put("terminal", true));
        ShimProcess p = fx.start(fx.config(id, bundle).withStdio(TTY_STDIN));
        OutputCollector out = new OutputCollector();
        try (AttachClient c = AttachClient.connect(p.socket(), out)) {
            c.subscribe(true, true);
            c.resize(40, 120);
            c.writeStdin("abc\n".getBytes(StandardCharsets.UTF_8));
            out.awaitStdout("got-abc", ShimFixture.WAIT);
            assertEquals(0, c.exit().get(30, TimeUnit.SECONDS));
        }
        assertTrue(out.stdout().contains("40 120"), out.stdout());
        assertTrue(fx.stdout(id).contains("got-abc"), "a terminal's output is logged as stdout");
        assertEquals(0, fx.log(id).stderr().length);
    }

    @Test
    void resizeWithoutTerminalIsRefused() throws Exception {
        String id = fx.token + "-nores";
        ShimProcess p = fx.start(fx.config(id, fx.bundle(id, "cat")).withStdio(PIPES_STDIN));
        try (AttachClient c = AttachClient.connect(p.socket(), null)) {
            FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> c.resize(10, 10));
            assertTrue(e.getMessage().contains("not a terminal"), e.getMessage());
            c.closeStdin();
        }
        assertEquals(0, fx.awaitExit(id).exitCode());
    }
}
