package io.berth.runtime.cgroup;

/**
 * How the host mounted its cgroup hierarchies. Resource control follows the
 * version that owns the controllers: v1 for {@link #LEGACY} and {@link #HYBRID},
 * v2 for {@link #UNIFIED}.
 */
public enum CgroupMode {
    /** Only v1 hierarchies, one per controller (or co-mounted group), plus name=systemd. */
    LEGACY,
    /**
     * v1 controllers plus an empty cgroup2 mount (usually {@code <root>/unified}) that
     * only tracks processes; OCI runtimes place containers there too, so we mirror them.
     */
    HYBRID,
    /** One cgroup2 hierarchy at the root; {@code <root>/cgroup.controllers} exists. */
    UNIFIED;

    public boolean isV2() {
        return this == UNIFIED;
    }
}
