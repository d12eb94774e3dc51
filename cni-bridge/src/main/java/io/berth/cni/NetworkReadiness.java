package io.berth.cni;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cni.config.ConfListLoader;
import io.berth.cni.config.NetworkConfigList;
import io.berth.cni.exec.CniExecutor;
import io.berth.cni.exec.CniPluginInvoker;
import io.berth.cni.exec.VersionInfo;
import io.berth.common.error.BerthException;
import java.util.ArrayList;
import java.util.List;

/** Works out NetworkReady: a config exists, parses, its plugins exist, speak its version and say ready. */
final class NetworkReadiness {

    private final ConfListLoader loader;
    private final CniPluginInvoker invoker;
    private final CniExecutor executor;

    NetworkReadiness(ConfListLoader loader, CniPluginInvoker invoker, CniExecutor executor) {
        this.loader = loader;
        this.invoker = invoker;
        this.executor = executor;
    }

    NetworkStatus check(Runnable ensureDefault) {
        try {
            ensureDefault.run();
        } catch (BerthException e) {
            return NetworkStatus.notReady(NetworkStatus.NO_CNI_CONFIG, e.getMessage());
        }
        return switch (loader.load()) {
            case ConfListLoader.Missing m -> NetworkStatus.notReady(NetworkStatus.NO_CNI_CONFIG,
                    "no network config found in " + m.confDir());
            case ConfListLoader.Invalid i -> NetworkStatus.notReady(NetworkStatus.INVALID_CONFIG,
                    i.error().getMessage());
            case ConfListLoader.Found f -> checkList(f.list());
        };
    }

    private NetworkStatus checkList(NetworkConfigList list) {
        for (String type : requiredBinaries(list)) {
            if (invoker.locate(type).isEmpty()) {
                return NetworkStatus.notReady(NetworkStatus.PLUGIN_MISSING, "CNI plugin " + type
                        + " (network " + list.name() + ", " + list.source() + ") not found in the bin dirs");
            }
        }
        try {
            for (String type : list.pluginTypes()) {
                VersionInfo v = executor.version(type);
                if (!v.supports(list.cniVersion())) {
                    return NetworkStatus.notReady(NetworkStatus.INVALID_CONFIG, list.source() + ": CNI plugin "
                            + type + " does not support cniVersion " + list.cniVersion() + " (it supports "
                            + v.supportedVersions() + ")");
                }
            }
            executor.status(list);
        } catch (BerthException e) {
            return NetworkStatus.notReady(NetworkStatus.PLUGIN_NOT_READY, e.getMessage());
        }
        return NetworkStatus.ok();
    }

    /** Chain plugins and their IPAM plugins (lo is brought up in-process). */
    private static List<String> requiredBinaries(NetworkConfigList list) {
        List<String> types = new ArrayList<>(list.pluginTypes());
        for (ObjectNode p : list.plugins()) {
            String ipam = p.path("ipam").path("type").asText("");
            if (!ipam.isEmpty()) {
                types.add(ipam);
            }
        }
        return types;
    }
}
