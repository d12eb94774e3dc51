package io.berth.common.exec;

import java.io.IOException;

/**
 * Runs external programs (OCI runtimes, CNI plugins, iptables). An interface
 * so that unit tests can record calls instead of running them (STYLE.md rule 7).
 */
public interface CommandRunner {

    /**
     * Runs the command to completion. Never throws for a non-zero exit: the
     * caller decides what a status means.
     *
     * @throws io.berth.common.error.DeadlineExceededException when the timeout
     *         passes; the whole process tree is killed and reaped first
     * @throws IOException when the program cannot be started
     */
    CommandResult run(Command command) throws IOException;

    static CommandRunner system() {
        return ProcessCommandRunner.INSTANCE;
    }
}
