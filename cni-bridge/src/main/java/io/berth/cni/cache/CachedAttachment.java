package io.berth.cni.cache;

import io.berth.cni.config.NetworkConfigList;
import io.berth.cni.exec.RuntimeConf;
import io.berth.cni.spec.CniResult;

/**
 * What DEL needs about one attachment, after any restart: the config list as
 * it was at ADD (the file may have changed since), the runtime parameters
 * and the result. {@code result} is null while ADD is in flight: the record
 * is written before ADD so that a crash mid-ADD still leaves enough to DEL.
 */
public record CachedAttachment(NetworkConfigList list, RuntimeConf runtime, CniResult result) {

    public String network() {
        return list.name();
    }

    public CachedAttachment withResult(CniResult r) {
        return new CachedAttachment(list, runtime, r);
    }
}
