package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks a Localhost seccomp profile (OCI or Docker form) before anything is
 * created, so a broken file fails CreateContainer with a message naming the
 * fault instead of failing later inside the OCI runtime.
 */
final class SeccompValidation {

    private SeccompValidation() {
    }

    /** Null when the profile is usable, else what is wrong with it. */
    static String problem(JsonNode p) {
        if (!p.isObject()) {
            return "the top level must be a JSON object";
        }
        if (!isPrefixed(p.get("defaultAction"), "SCMP_ACT_")) {
            return "defaultAction must be an SCMP_ACT_* string";
        }
        if (p.has("defaultErrnoRet") && !p.get("defaultErrnoRet").canConvertToInt()) {
            return "defaultErrnoRet must be an integer";
        }
        if (p.has("architectures") && !allStrings(p.get("architectures"))) {
            return "architectures must be a list of strings";
        }
        if (p.has("archMap") && !p.get("archMap").isArray()) {
            return "archMap must be a list";
        }
        JsonNode syscalls = p.path("syscalls");
        if (p.has("syscalls") && !syscalls.isArray() && !syscalls.isNull()) {
            return "syscalls must be a list";
        }
        int i = 0;
        for (JsonNode s : syscalls) {
            String bad = syscall(s);
            if (bad != null) {
                return "syscalls[" + i + "]: " + bad;
            }
            i++;
        }
        return null;
    }

    private static String syscall(JsonNode s) {
        if (!s.isObject()) {
            return "must be an object";
        }
        boolean names = s.has("names") && allStrings(s.get("names")) && !s.get("names").isEmpty();
        boolean name = s.path("name").isTextual();
        if (!names && !name) {
            return "needs a non-empty names list";
        }
        if (!isPrefixed(s.get("action"), "SCMP_ACT_")) {
            return "action must be an SCMP_ACT_* string";
        }
        JsonNode args = s.path("args");
        if (s.has("args") && !args.isArray() && !args.isNull()) {
            return "args must be a list";
        }
        for (JsonNode a : args) {
            if (!a.path("index").canConvertToInt() || a.get("index").asInt() < 0 || a.get("index").asInt() > 5) {
                return "args index must be 0..5";
            }
            if (!a.path("value").isIntegralNumber() || !isPrefixed(a.get("op"), "SCMP_CMP_")) {
                return "args need an integer value and an SCMP_CMP_* op";
            }
        }
        return null;
    }

    private static boolean isPrefixed(JsonNode n, String prefix) {
        return n != null && n.isTextual() && n.asText().startsWith(prefix);
    }

    private static boolean allStrings(JsonNode n) {
        if (!n.isArray()) {
            return false;
        }
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                return false;
            }
        }
        return true;
    }
}
