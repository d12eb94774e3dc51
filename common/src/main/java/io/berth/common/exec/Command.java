package io.berth.common.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One external program to run.
 *
 * @param argv    program and arguments; argv[0] is resolved by the OS
 * @param env     extra environment on top of berthd's own, or replacing it when {@code cleanEnv}
 * @param cleanEnv start from an empty environment (CNI plugins, OCI runtimes want exactly what we pass)
 * @param stdin   bytes fed to standard input, then closed; null for none
 * @param timeout the whole process tree is killed when it passes
 * @param workDir working directory, or null for berthd's
 */
public record Command(List<String> argv, Map<String, String> env, boolean cleanEnv,
                      byte[] stdin, Duration timeout, Path workDir) {

    public Command {
        if (argv == null || argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        argv = List.copyOf(argv);
        env = env == null ? Map.of() : Map.copyOf(env);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a command needs a positive timeout: " + argv.get(0));
        }
    }

    public static Command of(Duration timeout, String... argv) {
        return new Command(List.of(argv), Map.of(), false, null, timeout, null);
    }

    public Command withStdin(byte[] input) {
        return new Command(argv, env, cleanEnv, input, timeout, workDir);
    }

    public Command withEnv(Map<String, String> vars, boolean clean) {
        return new Command(argv, vars, clean, stdin, timeout, workDir);
    }

    public String name() {
        return argv.get(0);
    }
}
