package io.berth.cni.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.BerthException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorParserTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheSpecErrorObject() {
        CniPluginException e = ErrorParser.parse("bridge", CniCommand.ADD, 1,
                b("{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"busy\",\"details\":\"lock held\"}"), b("trace"));
        assertEquals(11, e.code());
        assertEquals("busy", e.pluginMessage());
        assertEquals("lock held", e.details());
        assertEquals("trace", e.stderr());
        assertEquals(BerthException.Kind.UNAVAILABLE, e.kind(), "code 11 means try again later");
        assertEquals("CNI plugin bridge ADD failed (code 11): busy; lock held; stderr: trace", e.getMessage());
    }

    @Test
    void aPluginThatPrintedNoErrorObjectStillYieldsItsOutput() {
        CniPluginException e = ErrorParser.parse("portmap", CniCommand.DEL, 2, b("panic: oops"), b("goroutine 1"));
        assertEquals(CniPluginException.NO_ERROR_OBJECT, e.code());
        assertNull(e.details());
        assertEquals(BerthException.Kind.INTERNAL, e.kind());
        assertTrue(e.getMessage().contains("portmap DEL failed: exit status 2, output: panic: oops"), e.getMessage());
        assertTrue(e.getMessage().contains("goroutine 1"));
    }
}
