package io.berth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.config.ConfigException;
import io.berth.runtime.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BerthdCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Berthd.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void configDefaultPrintsTomlThatParsesToTheDefaults() throws Exception {
        assertEquals(0, run("config", "default"));
        assertEquals(BerthConfig.defaults(), ConfigLoader.parse(out.toString(StandardCharsets.UTF_8), "stdout"));
    }

    @Test
    void dryRunGoesOnlyWithGc() {
        assertEquals(2, run("config", "default", "--dry-run"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--dry-run goes with gc"));
    }

    @Test
    void gcOfARootThatDoesNotExistHasNothingToCollect() throws Exception {
        Path root = dir.resolve("never-started");
        Files.writeString(dir.resolve("empty.toml"), "");
        assertEquals(0, run("gc", "--dry-run", "--config", dir.resolve("empty.toml").toString(), "--root",
                root.toString(), "--socket", dir.resolve("b.sock").toString()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(root + " does not exist; nothing to collect"));
        assertFalse(Files.exists(root), "a dry run creates nothing");
    }

    @Test
    void gcIntervalIsADurationOrZeroForOff() throws Exception {
        Path file = dir.resolve("gc.toml");
        Files.writeString(file, "[image]\ngc_interval = \"soon\"\n");
        ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, true));
        assertTrue(bad.getMessage().contains("gc_interval") && bad.getMessage().contains("soon"), bad.getMessage());
        Files.writeString(file, "[image]\ngc_interval = \"0\"\n");
        assertTrue(ConfigLoader.load(file, true).image().gcEvery().isEmpty(), "0 turns the periodic run off");
        assertEquals(java.time.Duration.ofHours(1), BerthConfig.defaults().image().gcEvery().orElseThrow());
    }

    @Test
    void flagsOverrideTheFile() throws Exception {
        Path file = dir.resolve("berth.toml");
        Files.writeString(file, "socket = \"/file/berth.sock\"\nroot = \"/file/root\"\nlog_level = \"error\"\n");
        CommandLine cmd = CommandLine.parse(new String[] {"--config", file.toString(), "--socket=/flag/b.sock",
            "--state", "/flag/state", "--log-level", "debug"});
        BerthConfig config = Berthd.effectiveConfig(cmd);
        assertEquals(Path.of("/flag/b.sock"), config.socketPath());
        assertEquals("/file/root", config.root());
        assertEquals("/flag/state", config.state());
        assertEquals("debug", config.logLevel());
    }

    @Test
    void badFlagValueIsNamedAsComingFromTheCommandLine() throws Exception {
        CommandLine cmd = CommandLine.parse(new String[] {"--config", dir.resolve("none.toml").toString(),
            "--root", "relative"});
        assertTrue(cmd.configGiven());
        ConfigException missing = assertThrows(ConfigException.class, () -> Berthd.effectiveConfig(cmd));
        assertTrue(missing.getMessage().contains("none.toml"), missing.getMessage());

        Files.writeString(dir.resolve("none.toml"), "");
        ConfigException bad = assertThrows(ConfigException.class, () -> Berthd.effectiveConfig(cmd));
        assertTrue(bad.getMessage().contains("--root"), bad.getMessage());
    }

    @Test
    void defaultConfigFileIsOptional() throws Exception {
        CommandLine cmd = CommandLine.parse(new String[0]);
        assertFalse(cmd.configGiven());
        assertEquals(BerthConfig.DEFAULT_FILE, cmd.configFile());
    }

    @Test
    void unknownFlagAndCommandAreUsageErrors() {
        assertEquals(2, run("--colour", "blue"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown flag --colour"));
        assertEquals(2, run("frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command \"frobnicate\""));
        assertEquals(2, run("--socket"));
    }

    @Test
    void unknownKeyInTheFileStopsBeforeServing() throws Exception {
        Path file = dir.resolve("berth.toml");
        Files.writeString(file, "sockett = \"/x.sock\"\n");
        assertEquals(2, run("--config", file.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(file + ": unknown key 'sockett'"),
                err.toString(StandardCharsets.UTF_8));
    }
}
