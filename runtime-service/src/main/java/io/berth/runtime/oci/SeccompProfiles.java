package io.berth.runtime.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.InternalException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import io.berth.cri.v1.SecurityProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;

/**
 * The container's seccomp choice as an OCI {@code linux.seccomp} object, or
 * null for none. A container whose security context names no profile at all
 * runs unconfined, as with containerd: the kubelet always sends its choice
 * (Unconfined unless SeccompDefault or the pod asks otherwise). The pod-level
 * LinuxSandboxSecurityContext.seccomp is the sandbox's own (api.proto says
 * "Seccomp profile for the sandbox"); the kubelet has already folded the pod's
 * profile into each container's, so it is not a default here.
 */
final class SeccompProfiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode DEFAULT = loadDefault();

    enum Kind { UNCONFINED, RUNTIME_DEFAULT, LOCALHOST }

    /** What was asked for; {@code file} only for LOCALHOST; {@code field} names the CRI field for errors. */
    record Choice(Kind kind, Path file, String field) {
    }

    private SeccompProfiles() {
    }

    /** Privileged containers run without seccomp, as the CRI's privileged contract implies. */
    static ObjectNode forContainer(LinuxContainerSecurityContext sc, Collection<String> capabilities,
                                   KernelVersion kernel) {
        if (sc.getPrivileged()) {
            return null;
        }
        Choice choice = choice(sc);
        var ctx = new SeccompRules.Context(capabilities, kernel, System.getProperty("os.arch"));
        return switch (choice.kind()) {
            case UNCONFINED -> null;
            case RUNTIME_DEFAULT -> SeccompRules.fromBerthFormat(DEFAULT, ctx);
            case LOCALHOST -> SeccompRules.fromDockerOrOciFormat(readLocalhost(choice), ctx);
        };
    }

    static Choice choice(LinuxContainerSecurityContext sc) {
        if (sc.hasSeccomp()) {
            SecurityProfile p = sc.getSeccomp();
            return switch (p.getProfileType()) {
                case RuntimeDefault -> new Choice(Kind.RUNTIME_DEFAULT, null, "seccomp");
                case Unconfined -> new Choice(Kind.UNCONFINED, null, "seccomp");
                case Localhost -> localhost(p.getLocalhostRef(), "seccomp.localhost_ref");
                case UNRECOGNIZED -> throw new InvalidArgumentException(
                        "seccomp.profile_type: unknown value " + p.getProfileTypeValue());
            };
        }
        String legacy = sc.getSeccompProfilePath();
        return switch (legacy) {
            case "", "unconfined" -> new Choice(Kind.UNCONFINED, null, "seccomp_profile_path");
            case "runtime/default", "docker/default" -> new Choice(Kind.RUNTIME_DEFAULT, null, "seccomp_profile_path");
            default -> {
                if (!legacy.startsWith("localhost/")) {
                    throw new InvalidArgumentException("seccomp_profile_path \"" + legacy + "\" is not one of "
                            + "unconfined, runtime/default, docker/default or localhost/<path>");
                }
                yield localhost(legacy.substring("localhost/".length()), "seccomp_profile_path");
            }
        };
    }

    private static Choice localhost(String ref, String field) {
        if (ref.isEmpty() || !Path.of(ref).isAbsolute()) {
            throw new InvalidArgumentException(field + " \"" + ref
                    + "\" must be the absolute path of a seccomp profile on the node");
        }
        return new Choice(Kind.LOCALHOST, Path.of(ref), field);
    }

    private static JsonNode readLocalhost(Choice c) {
        JsonNode profile;
        try {
            profile = JSON.readTree(Files.readAllBytes(c.file()));
        } catch (NoSuchFileException e) {
            throw new InvalidArgumentException(c.field() + ": seccomp profile " + c.file() + " does not exist");
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException(c.field() + ": seccomp profile " + c.file()
                    + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidArgumentException(c.field() + ": cannot read seccomp profile " + c.file()
                    + ": " + e.getMessage());
        }
        String problem = SeccompValidation.problem(profile);
        if (problem != null) {
            throw new InvalidArgumentException(c.field() + ": seccomp profile " + c.file() + " is invalid: "
                    + problem);
        }
        return profile;
    }

    private static JsonNode loadDefault() {
        try (InputStream in = SeccompProfiles.class.getResourceAsStream("seccomp-default.json")) {
            if (in == null) {
                throw new InternalException("the embedded seccomp-default.json is missing from the build");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new InternalException("cannot read the embedded seccomp-default.json", e);
        }
    }
}
