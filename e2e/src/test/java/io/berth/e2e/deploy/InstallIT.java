package io.berth.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/install.sh --no-build into a private prefix, sysconfdir and systemd
 * directory (never the real /usr/local or /etc): the files, the installed
 * launcher serving the CRI, the unit under systemd-analyze, a second run that
 * changes nothing, and an uninstall that leaves nothing behind.
 */
class InstallIT {

    private static final long INSTALL_SECONDS = 300;

    private Path top;
    private Path prefix;
    private Path etc;
    private Path units;
    private Path checkout;

    @BeforeEach
    void dirs() throws Exception {
        // Not @TempDir: the unit's ExecStart path must be short and free of odd characters.
        top = Files.createDirectories(Path.of("/tmp", "berth-install-it-" + UUID.randomUUID().toString().substring(0, 8)));
        prefix = top.resolve("usr");
        etc = top.resolve("etc");
        units = top.resolve("systemd");
        checkout = snapshotOfTheBuild(top.resolve("src"));
    }

    /**
     * What install.sh --no-build reads, copied with mtimes: others rebuild this
     * checkout concurrently, and a jar changing between two runs would rightly
     * make the second one install again.
     */
    private static Path snapshotOfTheBuild(Path dest) throws Exception {
        String copy = "set -e; cd \"$1\"; cp -a --parents deploy bin/berthd dev/lib.sh runtime-service/target/lib "
                + "shim/target/berth-shim \"$2\"; for f in runtime-service/target/berth-runtime-service-*.jar "
                + "runtime-service/target/berthd.aot; do [ ! -f \"$f\" ] || cp -a --parents \"$f\" \"$2\"; done";
        Files.createDirectories(dest);
        Commands.ok(List.of("bash", "-c", copy, "copy", Commands.REPO.toString(), dest.toString()), 300);
        return dest;
    }

    @AfterEach
    void cleanUp() throws Exception {
        Commands.run(List.of("rm", "-rf", "--one-file-system", top.toString()), 60);
    }

    private List<String> install(String... extra) {
        List<String> cmd = new ArrayList<>(List.of(checkout.resolve("deploy/install.sh").toString(), "--no-build",
                "--prefix", prefix.toString(), "--sysconfdir", etc.toString(), "--systemd-dir", units.toString()));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    @Test
    void installsRunsReinstallsAsANoOpAndUninstallsEverything() throws Exception {
        String first = Commands.ok(install(), INSTALL_SECONDS).output();
        assertTrue(first.contains("change(s)"), first);
        Path launcher = prefix.resolve("bin/berthd");
        Path manifest = prefix.resolve("lib/berth/install-manifest");
        assertTrue(Files.isSymbolicLink(launcher) && Files.isExecutable(launcher), "launcher " + launcher);
        assertTrue(Files.isExecutable(prefix.resolve("bin/berth-shim")));
        assertTrue(Files.isSameFile(prefix.resolve("bin/berth-shim"),
                prefix.resolve("lib/berth/shim/target/berth-shim")), "the launcher's shim is the installed one");
        assertTrue(Files.isRegularFile(manifest));
        assertEquals(Files.readString(checkout.resolve("deploy/crictl.yaml")),
                Files.readString(etc.resolve("crictl.yaml")));
        String unit = Files.readString(units.resolve("berth.service"));
        assertTrue(unit.contains("\nExecStart=" + launcher + "\n"), unit);
        assertTrue(unit.contains("\nKillMode=process\n"), unit);
        assertTrue(unit.contains("\nType=notify\n"), unit);

        String defaults = Commands.ok(List.of(launcher.toString(), "config", "default"), 120).output();
        assertTrue(defaults.contains("socket = \"unix:///run/berth/berth.sock\""), defaults);
        assertEquals(defaults, Files.readString(etc.resolve("berth/berth.toml")), "berth.toml is berthd's defaults");
        InstalledDaemon.assertServesVersion(launcher, top.resolve("run"));
        assertUnitVerifies(units.resolve("berth.service"));

        List<Path> installed = listTree();
        String manifestText = Files.readString(manifest);
        String second = Commands.ok(install(), INSTALL_SECONDS).output();
        assertTrue(second.contains("nothing changed"), second);
        assertEquals(manifestText, Files.readString(manifest), "a second run rewrites nothing");
        assertEquals(installed, listTree());

        String removal = Commands.ok(install("--uninstall"), INSTALL_SECONDS).output();
        assertTrue(removal.contains("left /var/lib/berth and /run/berth alone"), removal);
        assertFalse(Files.exists(prefix), "every directory install.sh created is gone: " + listTree());
        assertFalse(Files.exists(etc));
        assertFalse(Files.exists(units));
        assertTrue(Files.isDirectory(top.resolve("run/root")), "the daemon's root is not touched without --purge");
    }

    @Test
    void keepsAConfigFileThatWasThereAndAnEditedOneOnUninstall() throws Exception {
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("crictl.yaml"), "runtime-endpoint: unix:///elsewhere.sock\n");
        String out = Commands.ok(install("--no-packages"), INSTALL_SECONDS).output();
        assertTrue(out.contains("kept " + etc.resolve("crictl.yaml")), out);
        Path toml = etc.resolve("berth/berth.toml");
        Files.writeString(toml, "log_level = \"debug\"\n");

        String removal = Commands.ok(install("--uninstall"), INSTALL_SECONDS).output();
        assertTrue(removal.contains("kept " + toml + ": changed since it was installed"), removal);
        assertEquals("runtime-endpoint: unix:///elsewhere.sock\n", Files.readString(etc.resolve("crictl.yaml")));
        assertEquals("log_level = \"debug\"\n", Files.readString(toml));
        assertFalse(Files.exists(prefix));
    }

    /** systemd-analyze checks the syntax and that ExecStart is executable; PID 1 need not be systemd. */
    private static void assertUnitVerifies(Path unit) throws Exception {
        Commands.Result r = Commands.run(List.of("systemd-analyze", "verify", "--man=no", unit.toString()), 120);
        assertEquals(0, r.exit(), r.output());
        assertFalse(r.output().contains("berth.service"), "no complaint about the unit: " + r.output());
    }

    private List<Path> listTree() throws IOException {
        try (Stream<Path> s = Files.walk(top)) {
            return s.filter(p -> !p.startsWith(top.resolve("run")) && !p.startsWith(checkout)).sorted().toList();
        }
    }
}
