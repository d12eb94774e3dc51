package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import io.berth.cri.v1.SELinuxOption;
import io.berth.cri.v1.SecurityProfile;

/**
 * AppArmor and SELinux in the spec, decided the way containerd decides them:
 * <ul>
 * <li>AppArmor RuntimeDefault is Berth's profile (loaded on first use) on an
 *     AppArmor host, and nothing on a host without AppArmor or for a privileged
 *     container, which is what the kubelet expects. Unconfined is nothing.
 *     Localhost names a profile that must be loaded; on a host without
 *     AppArmor that is FailedPrecondition naming the profile.</li>
 * <li>SELinux options become process.selinuxLabel and linux.mountLabel on an
 *     SELinux host, missing parts filled with the usual container type. On a
 *     host without SELinux they are ignored, as containerd and CRI-O do, since
 *     the kubelet copies a pod's seLinuxOptions to every node alike.</li>
 * </ul>
 */
final class LsmSpec {

    static final String APPARMOR_DEFAULT = "berth-default";

    private LsmSpec() {
    }

    static void apply(LinuxContainerSecurityContext sc, SecurityModules lsm, ObjectNode process, ObjectNode linux) {
        String profile = apparmor(sc, lsm);
        if (profile != null) {
            process.put("apparmorProfile", profile);
        }
        if (lsm.selinuxEnabled() && sc.hasSelinuxOptions() && !isEmpty(sc.getSelinuxOptions())) {
            SELinuxOption o = sc.getSelinuxOptions();
            String level = or(o.getLevel(), "s0");
            process.put("selinuxLabel", or(o.getUser(), "system_u") + ":" + or(o.getRole(), "system_r") + ":"
                    + or(o.getType(), "container_t") + ":" + level);
            linux.put("mountLabel", or(o.getUser(), "system_u") + ":object_r:container_file_t:" + level);
        }
    }

    /** The AppArmor profile name for process.apparmorProfile, or null for none. */
    static String apparmor(LinuxContainerSecurityContext sc, SecurityModules lsm) {
        SecurityProfile.ProfileType type;
        String name = "";
        String field;
        if (sc.hasApparmor()) {
            type = sc.getApparmor().getProfileType();
            name = sc.getApparmor().getLocalhostRef();
            field = "apparmor";
        } else {
            field = "apparmor_profile";
            String legacy = sc.getApparmorProfile();
            if (legacy.isEmpty() || legacy.equals("runtime/default")) {
                type = SecurityProfile.ProfileType.RuntimeDefault;
            } else if (legacy.equals("unconfined")) {
                type = SecurityProfile.ProfileType.Unconfined;
            } else if (legacy.startsWith("localhost/")) {
                type = SecurityProfile.ProfileType.Localhost;
                name = legacy.substring("localhost/".length());
            } else {
                throw new InvalidArgumentException("apparmor_profile \"" + legacy
                        + "\" is not one of runtime/default, unconfined or localhost/<profile>");
            }
        }
        return switch (type) {
            case Unconfined -> null;
            case RuntimeDefault -> {
                if (!lsm.apparmorEnabled() || sc.getPrivileged()) {
                    yield null;
                }
                lsm.ensureDefaultAppArmorProfile();
                yield APPARMOR_DEFAULT;
            }
            case Localhost -> localhost(name.startsWith("localhost/") ? name.substring(10) : name, field, lsm);
            case UNRECOGNIZED -> throw new InvalidArgumentException(field + ".profile_type: unknown value "
                    + sc.getApparmor().getProfileTypeValue());
        };
    }

    private static String localhost(String name, String field, SecurityModules lsm) {
        if (name.isEmpty()) {
            throw new InvalidArgumentException(field + ": a Localhost AppArmor profile needs a profile name");
        }
        if (!lsm.apparmorEnabled()) {
            throw new FailedPreconditionException(field + ": AppArmor profile " + name
                    + " was requested but AppArmor is not enabled on this host");
        }
        if (!lsm.apparmorProfileLoaded(name)) {
            throw new FailedPreconditionException(field + ": AppArmor profile " + name + " is not loaded");
        }
        return name;
    }

    private static boolean isEmpty(SELinuxOption o) {
        return o.getUser().isEmpty() && o.getRole().isEmpty() && o.getType().isEmpty() && o.getLevel().isEmpty();
    }

    private static String or(String value, String fallback) {
        return value.isEmpty() ? fallback : value;
    }
}
