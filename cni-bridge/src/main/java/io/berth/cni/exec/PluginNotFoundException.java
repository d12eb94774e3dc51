package io.berth.cni.exec;

import io.berth.common.error.BerthException;
import java.nio.file.Path;
import java.util.List;

/** No executable for a plugin type in any bin dir: the node is not ready for pods. */
public final class PluginNotFoundException extends BerthException {

    private final String type;

    public PluginNotFoundException(String type, List<Path> binDirs) {
        super("CNI plugin " + type + " not found in " + binDirs);
        this.type = type;
    }

    public String type() {
        return type;
    }

    @Override
    public Kind kind() {
        return Kind.FAILED_PRECONDITION;
    }
}
