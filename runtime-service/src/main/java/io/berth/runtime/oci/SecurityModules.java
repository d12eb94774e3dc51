package io.berth.runtime.oci;

/**
 * The host's Linux security modules as the spec generator needs them. An
 * interface so unit tests can pretend to be an AppArmor or SELinux host; this
 * machine has neither, so {@link HostSecurityModules} is only half exercised
 * here (its "absent" answers).
 */
public interface SecurityModules {

    /** AppArmor is built in and enabled (/sys/module/apparmor/parameters/enabled says Y). */
    boolean apparmorEnabled();

    /** A profile of that name is loaded in the kernel. */
    boolean apparmorProfileLoaded(String name);

    /**
     * Loads Berth's default AppArmor profile unless it is already loaded.
     *
     * @throws io.berth.common.error.FailedPreconditionException when it cannot be loaded
     */
    void ensureDefaultAppArmorProfile();

    /** SELinux is enabled (selinuxfs is mounted). */
    boolean selinuxEnabled();

    /** A host with neither module, as this one. */
    static SecurityModules none() {
        return new SecurityModules() {
            @Override
            public boolean apparmorEnabled() {
                return false;
            }

            @Override
            public boolean apparmorProfileLoaded(String name) {
                return false;
            }

            @Override
            public void ensureDefaultAppArmorProfile() {
                throw new IllegalStateException("no AppArmor on this host");
            }

            @Override
            public boolean selinuxEnabled() {
                return false;
            }
        };
    }
}
