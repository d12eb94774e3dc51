package io.berth.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OverridesTest {

    @Test
    void flagsReplaceFileValuesAndLeaveTheRest() throws Exception {
        BerthConfig file = ConfigLoader.parse("""
                socket = "/a/file.sock"
                root = "/file/root"
                log_level = "warn"
                """, "f");
        BerthConfig effective = file.with(new BerthConfig.Overrides("unix:///b/flag.sock", null, "/flag/state",
                "debug"));
        assertEquals("unix:///b/flag.sock", effective.socket());
        assertEquals("/file/root", effective.root());
        assertEquals("/flag/state", effective.state());
        assertEquals("debug", effective.logLevel());
        assertEquals(file.metrics(), effective.metrics());
    }

    @Test
    void noOverridesChangeNothing() {
        assertEquals(BerthConfig.defaults(), BerthConfig.defaults().with(BerthConfig.Overrides.NONE));
    }
}
