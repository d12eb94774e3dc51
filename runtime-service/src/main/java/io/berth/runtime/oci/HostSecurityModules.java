package io.berth.runtime.oci;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real host's AppArmor and SELinux state, read from sysfs on every call
 * (profiles can be loaded while berthd runs). Loading the default profile
 * runs apparmor_parser, as containerd does for its own default.
 */
public final class HostSecurityModules implements SecurityModules {

    private final Path sys;
    private final CommandRunner runner;

    public HostSecurityModules(CommandRunner runner) {
        this(Path.of("/sys"), runner);
    }

    HostSecurityModules(Path sys, CommandRunner runner) {
        this.sys = sys;
        this.runner = runner;
    }

    @Override
    public boolean apparmorEnabled() {
        try {
            return Files.readString(sys.resolve("module/apparmor/parameters/enabled")).startsWith("Y");
        } catch (IOException e) {
            return false;
        }
    }

    /** Each line of the profiles file reads "name (mode)". */
    @Override
    public boolean apparmorProfileLoaded(String name) {
        try {
            for (String line : Files.readAllLines(sys.resolve("kernel/security/apparmor/profiles"))) {
                int paren = line.lastIndexOf(" (");
                if ((paren < 0 ? line : line.substring(0, paren)).equals(name)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    @Override
    public synchronized void ensureDefaultAppArmorProfile() {
        if (apparmorProfileLoaded(LsmSpec.APPARMOR_DEFAULT)) {
            return;
        }
        Path tmp = null;
        try (InputStream in = getClass().getResourceAsStream("apparmor-default.profile")) {
            tmp = Files.createTempFile("berth-apparmor", ".profile");
            Files.write(tmp, in.readAllBytes());
            CommandResult r = runner.run(Command.of(Duration.ofSeconds(30), "apparmor_parser", "-Kr",
                    tmp.toString()));
            if (!r.ok()) {
                throw new FailedPreconditionException("cannot load AppArmor profile " + LsmSpec.APPARMOR_DEFAULT
                        + ": apparmor_parser: " + r.stderrText().strip());
            }
        } catch (IOException e) {
            throw new FailedPreconditionException("cannot load AppArmor profile " + LsmSpec.APPARMOR_DEFAULT
                    + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public boolean selinuxEnabled() {
        return Files.exists(sys.resolve("fs/selinux/enforce"));
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // A temp file left behind costs nothing and the load already decided.
            }
        }
    }
}
