package io.berth.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.cri.v1.AttachRequest;
import io.berth.cri.v1.ExecRequest;
import io.berth.cri.v1.PortForwardRequest;
import io.berth.runtime.stream.rpc.AttachHandler;
import io.berth.runtime.stream.rpc.ExecHandler;
import io.berth.runtime.stream.rpc.PortForwardHandler;
import io.berth.runtime.stream.rpc.StreamTargets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Exec, Attach and PortForward RPC handlers: validation, lookups, URLs. */
class StreamHandlersTest {

    /** Knows container "running1" (running), "stopped1" (exited) and sandbox "ready1". */
    private static final StreamTargets TARGETS = new StreamTargets() {
        @Override
        public String requireRunningContainer(String id) {
            return switch (id) {
                case "running1" -> "running1-full";
                case "stopped1" -> throw new FailedPreconditionException("container stopped1 is EXITED, not running");
                default -> throw new NotFoundException("container " + id + " not found");
            };
        }

        @Override
        public String requireReadySandbox(String id) {
            if (!id.equals("ready1")) {
                throw new NotFoundException("sandbox " + id + " not found");
            }
            return "ready1-full";
        }
    };

    private final TokenCache tokens = new TokenCache(Duration.ofMinutes(1), 10);
    private final StreamingService streaming = new StreamingService(tokens, "http://127.0.0.1:1234");
    private final ExecHandler exec = new ExecHandler(TARGETS, streaming);

    private static ExecRequest.Builder execRequest(String id) {
        return ExecRequest.newBuilder().setContainerId(id).addCmd("ls").setStdout(true);
    }

    @Test
    void execReturnsAUrlForTheResolvedContainer() {
        String url = exec.handle(execRequest("running1").build()).getUrl();
        assertTrue(url.startsWith("http://127.0.0.1:1234/exec/"), url);
        var stored = (ExecStreamRequest) tokens.consume(url.substring(url.lastIndexOf('/') + 1)).orElseThrow();
        assertEquals("running1-full", stored.containerId());
        assertEquals(java.util.List.of("ls"), stored.cmd());
    }

    @Test
    void execRejectsTtyWithStderrAndNoStreams() {
        assertThrows(InvalidArgumentException.class,
                () -> exec.handle(execRequest("running1").setTty(true).setStderr(true).build()));
        assertThrows(InvalidArgumentException.class,
                () -> exec.handle(execRequest("running1").setStdout(false).build()));
        assertThrows(InvalidArgumentException.class, () -> exec.handle(execRequest("running1").clearCmd().build()));
        assertThrows(InvalidArgumentException.class, () -> exec.handle(execRequest("").build()));
        assertEquals(0, tokens.pending());
    }

    @Test
    void execNeedsARunningContainer() {
        var missing = assertThrows(NotFoundException.class, () -> exec.handle(execRequest("nope").build()));
        assertTrue(missing.getMessage().contains("nope"));
        assertThrows(FailedPreconditionException.class, () -> exec.handle(execRequest("stopped1").build()));
        assertEquals(0, tokens.pending());
    }

    @Test
    void attachAndPortForward() {
        AttachHandler attach = new AttachHandler(TARGETS, streaming);
        assertTrue(attach.handle(AttachRequest.newBuilder().setContainerId("running1").setStdout(true).build())
                .getUrl().contains("/attach/"));
        assertThrows(InvalidArgumentException.class, () -> attach.handle(AttachRequest.newBuilder()
                .setContainerId("running1").setTty(true).setStderr(true).build()));
        PortForwardHandler pf = new PortForwardHandler(TARGETS, streaming);
        assertTrue(pf.handle(PortForwardRequest.newBuilder().setPodSandboxId("ready1").addPort(80).build())
                .getUrl().contains("/portforward/"));
        assertThrows(NotFoundException.class,
                () -> pf.handle(PortForwardRequest.newBuilder().setPodSandboxId("other").build()));
        assertThrows(InvalidArgumentException.class,
                () -> pf.handle(PortForwardRequest.newBuilder().setPodSandboxId("ready1").addPort(70000).build()));
    }
}
