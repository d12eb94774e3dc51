package io.berth.cni.config;

import io.berth.common.error.BerthException;
import java.nio.file.Path;

/** A network config file that cannot be used; names the file. */
public final class InvalidNetworkConfigException extends BerthException {

    private final Path file;

    public InvalidNetworkConfigException(Path file, String why) {
        super("invalid CNI network config " + file + ": " + why);
        this.file = file;
    }

    public Path file() {
        return file;
    }

    @Override
    public Kind kind() {
        return Kind.FAILED_PRECONDITION;
    }
}
