package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Turns a seccomp profile with conditional rules into the OCI
 * {@code linux.seccomp} object for one container. Two inputs share it: Berth's
 * embedded default (rules with whenCap, unlessCap, minKernel, anyOfArgs) and
 * Localhost profiles in the widely used Docker form (syscalls with includes and
 * excludes by caps, arches and minKernel), which the OCI form is a subset of.
 * Callers validate first ({@link SeccompProfiles}); this class only decides.
 */
final class SeccompRules {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** What a conditional rule is judged against. */
    record Context(Collection<String> capabilities, KernelVersion kernel, String arch) {
    }

    private SeccompRules() {
    }

    /** Berth's own format (the embedded RuntimeDefault profile). */
    static ObjectNode fromBerthFormat(JsonNode profile, Context ctx) {
        ObjectNode out = header(profile);
        JsonNode arches = profile.path("architectures").path(ctx.arch());
        ArrayNode a = out.putArray("architectures");
        arches.forEach(a::add);
        ArrayNode syscalls = out.putArray("syscalls");
        for (JsonNode r : profile.path("rules")) {
            if (!anyCap(r.path("whenCap"), ctx, true) || anyCap(r.path("unlessCap"), ctx, false)
                    || !kernelAtLeast(r.path("minKernel"), ctx)) {
                continue;
            }
            if (r.has("anyOfArgs")) {
                for (JsonNode args : r.get("anyOfArgs")) {
                    syscalls.add(entry(r, args));
                }
            } else {
                syscalls.add(entry(r, r.path("args")));
            }
        }
        return out;
    }

    /**
     * The OCI form, or Docker's superset of it: {@code archMap} gives the
     * architectures for the host's, {@code includes}/{@code excludes} make a
     * rule conditional. Unknown top-level fields of the OCI form pass through.
     */
    static ObjectNode fromDockerOrOciFormat(JsonNode profile, Context ctx) {
        ObjectNode out = header(profile);
        for (String passThrough : List.of("flags", "listenerPath", "listenerMetadata")) {
            if (profile.has(passThrough)) {
                out.set(passThrough, profile.get(passThrough));
            }
        }
        ArrayNode a = out.putArray("architectures");
        if (profile.has("archMap")) {
            for (JsonNode m : profile.get("archMap")) {
                if (ociArch(ctx.arch()).equals(m.path("architecture").asText())) {
                    a.add(m.get("architecture"));
                    m.path("subArchitectures").forEach(a::add);
                }
            }
        } else {
            profile.path("architectures").forEach(a::add);
        }
        ArrayNode syscalls = out.putArray("syscalls");
        for (JsonNode s : profile.path("syscalls")) {
            JsonNode inc = s.path("includes");
            JsonNode exc = s.path("excludes");
            if (!anyCap(inc.path("caps"), ctx, true) || anyCap(exc.path("caps"), ctx, false)
                    || !kernelAtLeast(inc.path("minKernel"), ctx)
                    || !archMatches(inc.path("arches"), ctx, true) || archMatches(exc.path("arches"), ctx, false)) {
                continue;
            }
            syscalls.add(entry(s, s.path("args")));
        }
        return out;
    }

    private static ObjectNode header(JsonNode profile) {
        ObjectNode out = F.objectNode();
        out.put("defaultAction", profile.get("defaultAction").asText());
        if (profile.has("defaultErrnoRet")) {
            out.put("defaultErrnoRet", profile.get("defaultErrnoRet").asInt());
        }
        return out;
    }

    private static ObjectNode entry(JsonNode rule, JsonNode args) {
        ObjectNode e = F.objectNode();
        ArrayNode names = e.putArray("names");
        if (rule.has("names")) {
            rule.get("names").forEach(names::add);
        } else {
            names.add(rule.get("name"));
        }
        e.put("action", rule.get("action").asText());
        if (rule.has("errnoRet")) {
            e.put("errnoRet", rule.get("errnoRet").asInt());
        }
        if (args.isArray() && !args.isEmpty()) {
            ArrayNode out = e.putArray("args");
            for (JsonNode arg : args) {
                ObjectNode o = out.addObject();
                o.put("index", arg.get("index").asInt());
                o.put("value", arg.get("value").asLong());
                if (arg.has("valueTwo")) {
                    o.put("valueTwo", arg.get("valueTwo").asLong());
                }
                o.put("op", arg.get("op").asText());
            }
        }
        return e;
    }

    /** An absent or empty list is "no condition": true for a whenCap test, false for an unlessCap test. */
    private static boolean anyCap(JsonNode caps, Context ctx, boolean whenEmpty) {
        if (!caps.isArray() || caps.isEmpty()) {
            return whenEmpty;
        }
        for (JsonNode c : caps) {
            if (ctx.capabilities().contains(c.asText().toUpperCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static boolean kernelAtLeast(JsonNode min, Context ctx) {
        return !min.isTextual() || ctx.kernel().atLeast(KernelVersion.parse(min.asText()));
    }

    private static boolean archMatches(JsonNode arches, Context ctx, boolean whenEmpty) {
        if (!arches.isArray() || arches.isEmpty()) {
            return whenEmpty;
        }
        List<String> names = new ArrayList<>();
        arches.forEach(n -> names.add(n.asText()));
        return names.contains(ctx.arch()) || names.contains(ociArch(ctx.arch()));
    }

    /** Java's os.arch name to libseccomp's main architecture name. */
    static String ociArch(String javaArch) {
        return switch (javaArch) {
            case "amd64", "x86_64" -> "SCMP_ARCH_X86_64";
            case "aarch64", "arm64" -> "SCMP_ARCH_AARCH64";
            case "ppc64le" -> "SCMP_ARCH_PPC64LE";
            case "s390x" -> "SCMP_ARCH_S390X";
            case "riscv64" -> "SCMP_ARCH_RISCV64";
            default -> "SCMP_ARCH_" + javaArch.toUpperCase(Locale.ROOT);
        };
    }
}
