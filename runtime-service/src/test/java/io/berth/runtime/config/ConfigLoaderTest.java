package io.berth.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void missingDefaultFileMeansDefaults() throws Exception {
        assertEquals(BerthConfig.defaults(), ConfigLoader.load(dir.resolve("absent.toml"), false));
    }

    @Test
    void missingNamedFileIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("absent.toml"), true));
        assertTrue(e.getMessage().contains("absent.toml"), e.getMessage());
    }

    @Test
    void emptyFileMeansDefaults() throws Exception {
        BerthConfig config = ConfigLoader.parse("", "empty.toml");
        assertEquals(BerthConfig.defaults(), config);
        assertEquals(Path.of("/run/berth/berth.sock"), config.socketPath());
        assertEquals(Path.of("/var/lib/berth"), config.rootPath());
        assertEquals(Path.of("/run/berth"), config.statePath());
        assertEquals("info", config.logLevel());
        assertEquals("", config.cgroup().driver());
        assertEquals("127.0.0.1:9735", config.metrics().address());
    }

    @Test
    void fileValuesReplaceOnlyTheirKeys() throws Exception {
        Path file = dir.resolve("berth.toml");
        Files.writeString(file, """
                socket = "/tmp/x/berth.sock"
                [cgroup]
                driver = "systemd"
                [metrics]
                address = ""
                """);
        BerthConfig config = ConfigLoader.load(file, true);
        assertEquals(Path.of("/tmp/x/berth.sock"), config.socketPath());
        assertEquals("systemd", config.cgroup().driver());
        assertEquals(Optional.empty(), config.metrics().listenAddress());
        assertEquals("/var/lib/berth", config.root());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            colour = "blue"                 | colour
            [cgroup]\\ndrvier = "systemd"    | cgroup.drvier
            [metrics]\\nport = 9735          | metrics.port
            [registry]\\nmirror = "x"        | registry.mirror
            [nope]\\nx = 1                 | nope
            """)
    void unknownKeyStopsWithItsNameAndTheFile(String toml, String key) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(toml.replace("\\n", "\n"), "/etc/berth/berth.toml"));
        assertEquals("/etc/berth/berth.toml: unknown key '" + key + "'", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            socket = 5                         | socket        | expected a string
            socket = "tcp://127.0.0.1:1"       | socket        | not a unix:// endpoint
            socket = "relative.sock"           | socket        | not an absolute path
            root = "var/lib/berth"             | root          | not an absolute path
            state = ""                         | state         | not an absolute path
            log_level = "loud"                 | log_level     | not a log level
            log_level = true                   | log_level     | expected a string
            cgroup = "systemd"                 | cgroup        | expected a table
            [cgroup]\\ndriver = "cgroupv2"      | cgroup.driver | not a cgroup driver
            [metrics]\\naddress = "9735"        | metrics.address | not host:port
            [metrics]\\naddress = "h:99999"     | metrics.address | out of range
            state = "/very/long/state/directory/that/would/not/fit/the/unix/socket/paths/below/it" | state | longer than
            default_runtime = "crun"           | default_runtime | no [runtimes.crun] table
            [image]\\npull_timeout = "soon"   | image.pull_timeout | not a positive duration
            [cni]\\nconf_dir = "net.d"        | cni.conf_dir  | not an absolute path
            [registry]\\nplatform = "amd64"   | registry.platform | not os/arch
            [registry.mirrors."r.io"]\\nendpoints = ["ftp://m"] | registry.mirrors.r.io.endpoints | not an http
            [metrics]\\naddress = "h:http"      | metrics.address | no numeric port
            """)
    void badValueStopsWithTheKeyAndTheFile(String toml, String key, String why) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(toml.replace("\\n", "\n"), "my.toml"));
        assertTrue(e.getMessage().startsWith("my.toml: bad value for key '" + key + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void invalidTomlNamesTheFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("socket = ", "f.toml"));
        assertTrue(e.getMessage().startsWith("f.toml: not valid TOML"), e.getMessage());
    }

    @Test
    void plainPathAndUnixUrlNameTheSameSocket() throws Exception {
        assertEquals(ConfigLoader.parse("socket = \"/run/a.sock\"", "f").socketPath(),
                ConfigLoader.parse("socket = \"unix:///run/a.sock\"", "f").socketPath());
    }

    @Test
    void defaultConfigRoundTrips() throws Exception {
        String printed = DefaultConfigWriter.write(BerthConfig.defaults());
        assertEquals(BerthConfig.defaults(), ConfigLoader.parse(printed, "printed"));
        assertTrue(printed.contains("# One of trace, debug"), "keys carry their comments");
        assertTrue(printed.contains("[metrics]"), printed);
    }

    @Test
    void nonDefaultValuesRoundTripToo() throws Exception {
        BerthConfig custom = new BerthConfig("/run/with \"quote\"\\x.sock", "/r", "/s", "debug",
                new CgroupConfig("systemd"), new MetricsConfig(""));
        assertEquals(custom, ConfigLoader.parse(DefaultConfigWriter.write(custom), "printed"));
    }
}
