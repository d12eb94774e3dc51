package io.berth.runtime;

import io.berth.runtime.config.BerthConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * berthd's arguments: words (the subcommand, e.g. "config default") and the
 * flags that override the config file. Flags take "--flag value" or
 * "--flag=value".
 */
record CommandLine(List<String> words, Path configFile, boolean configGiven, BerthConfig.Overrides overrides,
        boolean help, boolean dryRun) {

    static final String USAGE = """
            usage: berthd [flags]                 serve the CRI on the configured socket
                   berthd config default          print the default configuration as TOML
                   berthd gc [--dry-run]          delete content and snapshots no image or container
                                                  uses (berthd must be stopped); --dry-run only lists
                                                  them, with their sizes and why they can go

            flags (each overrides the config file):
              --config FILE     configuration file (default /etc/berth/berth.toml)
              --socket PATH     CRI endpoint, unix:///path or /path
              --root DIR        persistent state directory
              --state DIR       runtime state directory
              --log-level LVL   trace, debug, info, warn, error or off
              --dry-run         with gc: list, delete nothing
              --help            this text
            """;

    /** Thrown for arguments berthd does not understand. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static CommandLine parse(String[] args) throws UsageException {
        List<String> words = new ArrayList<>();
        String config = null;
        String socket = null;
        String root = null;
        String state = null;
        String logLevel = null;
        boolean help = false;
        boolean dryRun = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                words.add(arg);
                continue;
            }
            if (arg.equals("--help")) {
                help = true;
                continue;
            }
            if (arg.equals("--dry-run")) {
                dryRun = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException(name + " needs a value");
            }
            switch (name) {
                case "--config" -> config = value;
                case "--socket" -> socket = value;
                case "--root" -> root = value;
                case "--state" -> state = value;
                case "--log-level" -> logLevel = value;
                default -> throw new UsageException("unknown flag " + name);
            }
        }
        Path file = config == null ? BerthConfig.DEFAULT_FILE : Path.of(config);
        return new CommandLine(List.copyOf(words), file, config != null,
                new BerthConfig.Overrides(socket, root, state, logLevel), help, dryRun);
    }
}
