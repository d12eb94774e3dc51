package io.berth.runtime.rpc;

import io.berth.cri.v1.CgroupDriver;
import io.berth.cri.v1.LinuxRuntimeConfiguration;
import io.berth.cri.v1.RuntimeConfigRequest;
import io.berth.cri.v1.RuntimeConfigResponse;
import io.berth.runtime.grpc.UnaryHandler;

/** RuntimeConfig: tells the kubelet which cgroup driver to use, so the two agree. */
public final class RuntimeConfigHandler implements UnaryHandler<RuntimeConfigRequest, RuntimeConfigResponse> {

    private final CgroupDriver driver;

    public RuntimeConfigHandler(io.berth.runtime.cgroup.CgroupDriver driver) {
        this.driver = switch (driver) {
            case SYSTEMD -> CgroupDriver.SYSTEMD;
            case CGROUPFS -> CgroupDriver.CGROUPFS;
        };
    }

    @Override
    public RuntimeConfigResponse handle(RuntimeConfigRequest request) {
        return RuntimeConfigResponse.newBuilder()
                .setLinux(LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(driver))
                .build();
    }
}
