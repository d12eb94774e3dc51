package io.berth.runtime;

import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.config.ConfigException;
import io.berth.runtime.config.ConfigLoader;
import io.berth.runtime.config.DefaultConfigWriter;
import io.berth.runtime.gc.GcCommand;
import io.berth.runtime.server.StartupException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/**
 * The berthd command. No logger is created before the configuration is read,
 * because slf4j-simple fixes its level when the first logger appears.
 */
public final class Berthd {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    /** How long SIGTERM waits for in-flight RPCs before cancelling them. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private Berthd() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cmd;
        try {
            cmd = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            err.println("berthd: " + e.getMessage());
            err.print(CommandLine.USAGE);
            return EXIT_USAGE;
        }
        if (cmd.help()) {
            out.print(CommandLine.USAGE);
            return EXIT_OK;
        }
        if (cmd.words().size() == 3 && cmd.words().get(0).equals(AotTraining.CLIENT_COMMAND)) {
            return AotTraining.client(java.nio.file.Path.of(cmd.words().get(1)), java.nio.file.Path.of(
                    cmd.words().get(2)), err);
        }
        if (cmd.dryRun() && !cmd.words().equals(java.util.List.of("gc"))) {
            err.println("berthd: --dry-run goes with gc");
            return EXIT_USAGE;
        }
        // Subcommands are words.
        return switch (String.join(" ", cmd.words())) {
            case "" -> serve(cmd, err);
            case "gc" -> gc(cmd, out, err);
            case "config default" -> {
                out.print(DefaultConfigWriter.write(BerthConfig.defaults()));
                yield EXIT_OK;
            }
            case "aot-train" -> AotTraining.run(err);
            default -> {
                err.println("berthd: unknown command \"" + String.join(" ", cmd.words()) + "\"");
                err.print(CommandLine.USAGE);
                yield EXIT_USAGE;
            }
        };
    }

    /** Reads the file, then lays the flags over it; each step's errors name their source. */
    static BerthConfig effectiveConfig(CommandLine cmd) throws ConfigException {
        BerthConfig fromFile = ConfigLoader.load(cmd.configFile(), cmd.configGiven());
        BerthConfig effective = fromFile.with(cmd.overrides());
        try {
            ConfigLoader.validate(effective, "command line");
        } catch (ConfigException e) {
            // The file was valid, so the bad value came from a flag: name the flag.
            String flag = e.key() == null ? "" : " --" + e.key().replace('_', '-');
            throw new ConfigException("command line: bad value for flag" + flag + ": " + e.reason(), e);
        }
        return effective;
    }

    /** The effective config, or null after saying on {@code err} what is wrong with it. */
    private static BerthConfig configOrNull(CommandLine cmd, PrintStream err) {
        try {
            return effectiveConfig(cmd);
        } catch (ConfigException e) {
            err.println("berthd: " + e.getMessage());
            return null;
        }
    }

    private static int gc(CommandLine cmd, PrintStream out, PrintStream err) {
        BerthConfig config = configOrNull(cmd, err);
        if (config == null) {
            return EXIT_USAGE;
        }
        // Quiet: the command's own lines are its output; the stores' info logs would interleave.
        LogSetup.configure("warn");
        try {
            return new GcCommand(config, out, err).run(cmd.dryRun());
        } catch (IOException | RuntimeException e) {
            err.println("berthd gc: " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    private static int serve(CommandLine cmd, PrintStream err) {
        BerthConfig config = configOrNull(cmd, err);
        if (config == null) {
            return EXIT_USAGE;
        }
        LogSetup.configure(config.logLevel());
        var log = LoggerFactory.getLogger(Berthd.class);
        ShutdownSignal signal = ShutdownSignal.install();
        Daemon daemon;
        try {
            daemon = Daemon.start(config);
        } catch (StartupException e) {
            log.error("cannot start: {}", e.getMessage());
            return EXIT_FAILED;
        } catch (IOException e) {
            log.error("cannot start: {}", e.toString(), e);
            return EXIT_FAILED;
        }
        try {
            String name = signal.await();
            log.info("{} received; stopping (in-flight RPCs get {} s)", name, SHUTDOWN_GRACE.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        daemon.stop(SHUTDOWN_GRACE);
        log.info("stopped; socket {} removed", daemon.socket());
        return EXIT_OK;
    }
}
