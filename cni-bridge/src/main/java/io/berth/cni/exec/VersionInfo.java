package io.berth.cni.exec;

import java.util.List;

/** A plugin's answer to VERSION. */
public record VersionInfo(String cniVersion, List<String> supportedVersions) {

    public VersionInfo {
        supportedVersions = List.copyOf(supportedVersions);
    }

    public boolean supports(String version) {
        return supportedVersions.contains(version);
    }
}
