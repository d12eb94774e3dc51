package io.berth.cni.exec;

import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Runs plugin binaries found in the bin dirs, in a clean environment. */
public final class ExecPluginInvoker implements CniPluginInvoker {

    private final List<Path> binDirs;
    private final CommandRunner runner;

    public ExecPluginInvoker(List<Path> binDirs, CommandRunner runner) {
        this.binDirs = List.copyOf(binDirs);
        this.runner = runner;
    }

    @Override
    public Optional<Path> locate(String type) {
        // A type is a file name; anything with a slash would escape the bin dirs.
        if (type == null || type.isEmpty() || type.contains("/") || type.startsWith(".")) {
            return Optional.empty();
        }
        for (Path dir : binDirs) {
            Path p = dir.resolve(type);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public PluginOutput invoke(PluginCall call) throws IOException {
        Path bin = locate(call.type()).orElseThrow(() -> new PluginNotFoundException(call.type(), binDirs));
        Command cmd = new Command(List.of(bin.toString()), call.env(), true, call.stdin(), call.timeout(), null);
        CommandResult r = runner.run(cmd);
        return new PluginOutput(r.exitCode(), r.stdout(), r.stderr());
    }
}
