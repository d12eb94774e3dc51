package io.berth.runtime.container.runtime;

import io.berth.cri.v1.RuntimeHandler;
import io.berth.cri.v1.RuntimeHandlerFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * Status.runtime_handlers: "" (the default) and every named handler, each with
 * the features its runtime really has. User namespaces are reported false:
 * berth does not create pods with user namespaces yet, whatever the runtime can.
 */
public final class HandlerFeatures {

    private HandlerFeatures() {
    }

    public static List<RuntimeHandler> of(OciRuntimes runtimes) {
        List<RuntimeHandler> out = new ArrayList<>();
        out.add(handler("", runtimes.forHandler("")));
        runtimes.all().forEach((name, rt) -> out.add(handler(name, rt)));
        return out;
    }

    private static RuntimeHandler handler(String name, OciRuntime rt) {
        return RuntimeHandler.newBuilder().setName(name).setFeatures(RuntimeHandlerFeatures.newBuilder()
                .setRecursiveReadOnlyMounts(rt.recursiveReadOnlyMounts()).setUserNamespaces(false)).build();
    }
}
