package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import io.berth.cri.v1.RuntimeHandlerFeatures;
import io.berth.image.snapshot.OverlayMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What one OCI runtime can do on this kernel, from {@code <runtime> features}
 * (runc 1.1+, crun 1.9+ answer it) or, failing that, from the version text.
 * The rule: never claim a feature unless both the runtime and the kernel are
 * known to have it; an unknown runtime claims nothing.
 *
 * @param runtime                 the binary probed
 * @param version                 what the runtime calls its version, or "" when unknown
 * @param mountOptions            the mount options the runtime understands (empty when it cannot say)
 * @param userNamespaces          the runtime can create a user namespace with id mappings and the kernel allows one
 * @param idmapMounts             the runtime can idmap a bind mount (runc 1.2+) and the kernel has mount_setattr
 * @param recursiveReadOnlyMounts mount option "rro" works: the runtime knows it and the kernel has mount_setattr
 * @param kernel                  the running kernel
 */
public record RuntimeFeatures(String runtime, String version, Set<String> mountOptions, boolean userNamespaces,
                              boolean idmapMounts, boolean recursiveReadOnlyMounts, KernelVersion kernel) {

    /** mount_setattr(2), which both "rro" and idmapped mounts rely on, arrived in Linux 5.12. */
    static final KernelVersion MOUNT_SETATTR = new KernelVersion(5, 12);

    /** The answer for a runtime nobody has probed: nothing beyond the basics, on the running kernel. */
    public static RuntimeFeatures unprobed() {
        return new RuntimeFeatures("", "", Set.of(), false, false, false, KernelVersion.running());
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    public RuntimeFeatures {
        mountOptions = Set.copyOf(mountOptions);
    }

    /**
     * What the kernel itself allows, independent of the runtime.
     *
     * @param userNamespaces user namespaces are on, and a pod's can be given its rootfs: overlayfs
     *                       takes idmapped layers one by one ("lowerdir+"), which is how berth shows
     *                       the image's files as the pod root's (OverlayMount tries it once)
     */
    public record Kernel(KernelVersion version, boolean userNamespaces) {

        public static Kernel running() {
            boolean userns = Files.exists(Path.of("/proc/self/ns/user")) && maxUserNamespaces() > 0
                    && OverlayMount.idmappedLayersWork();
            return new Kernel(KernelVersion.running(), userns);
        }

        private static long maxUserNamespaces() {
            try {
                return Long.parseLong(Files.readString(Path.of("/proc/sys/user/max_user_namespaces")).strip());
            } catch (IOException | NumberFormatException e) {
                return 0;
            }
        }
    }

    /**
     * Runs {@code binary [globalArgs] features}, then {@code binary --version}
     * if that fails. Never throws: a runtime that cannot be asked claims nothing.
     */
    public static RuntimeFeatures probe(String binary, List<String> globalArgs, CommandRunner runner) {
        // The kernel's answer includes making an idmapped overlay once (~0.1-0.2 s with its process):
        // asked beside the runtime's exec rather than before it, so berthd's start-up waits for the longer.
        java.util.concurrent.CompletableFuture<Kernel> kernelAnswer = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().name("kernel-probe").start(() -> {
            try {
                kernelAnswer.complete(Kernel.running());
            } catch (RuntimeException | Error e) {
                // Claim nothing the kernel was not seen to do.
                kernelAnswer.complete(new Kernel(KernelVersion.running(), false));
            }
        });
        List<String> argv = new ArrayList<>();
        argv.add(binary);
        argv.addAll(globalArgs);
        argv.add("features");
        CommandResult r = null;
        CommandResult v = null;
        try {
            r = runner.run(new Command(argv, null, false, null, TIMEOUT, null));
            if (!r.ok()) {
                v = runner.run(Command.of(TIMEOUT, binary, "--version"));
            }
        } catch (IOException | RuntimeException e) {
            r = null;
        }
        Kernel kernel = kernelAnswer.join();
        if (r == null) {
            return new RuntimeFeatures(binary, "", Set.of(), false, false, false, kernel.version());
        }
        if (r.ok()) {
            return fromFeaturesJson(binary, r.stdout(), kernel);
        }
        return fromVersionText(binary, v.ok() ? v.stdoutText() : "", kernel);
    }

    /** The OCI runtime-spec "features" document (features.md); a document that does not parse claims nothing. */
    static RuntimeFeatures fromFeaturesJson(String binary, byte[] json, Kernel kernel) {
        JsonNode f;
        try {
            f = JSON.readTree(json);
        } catch (IOException e) {
            return new RuntimeFeatures(binary, "", Set.of(), false, false, false, kernel.version());
        }
        Set<String> options = new LinkedHashSet<>();
        f.path("mountOptions").forEach(o -> options.add(o.asText()));
        boolean userns = false;
        for (JsonNode ns : f.path("linux").path("namespaces")) {
            userns |= "user".equals(ns.asText());
        }
        boolean setattr = kernel.version().atLeast(MOUNT_SETATTR);
        boolean idmap = f.path("linux").path("mountExtensions").path("idmap").path("enabled").asBoolean(false);
        String version = f.path("annotations").path("org.opencontainers.runc.version").asText("");
        return new RuntimeFeatures(binary, version, options, userns && kernel.userNamespaces(), idmap && setattr,
                options.contains("rro") && setattr, kernel.version());
    }

    /**
     * A runtime without {@code features}: runc before 1.1 or crun before 1.9.
     * Both have always done user namespaces; neither version range is known to
     * do rro or idmapped mounts here, so those stay off.
     */
    static RuntimeFeatures fromVersionText(String binary, String versionText, Kernel kernel) {
        String first = versionText.lines().findFirst().orElse("").toLowerCase(Locale.ROOT);
        boolean known = first.startsWith("runc version") || first.startsWith("crun version");
        String version = known ? first.substring(first.indexOf("version") + 8).strip() : "";
        return new RuntimeFeatures(binary, version, Set.of(), known && kernel.userNamespaces(), false, false,
                kernel.version());
    }

    /**
     * Whether a POD user namespace can run here with its volumes: the runtime
     * joins the pod's namespace and the kernel idmaps the rootfs layers
     * ({@link Kernel#userNamespaces}); volumes are idmapped by the runtime when
     * it can, else by berthd (IdmappedVolumes), with the same mount_setattr.
     */
    public boolean userNamespacedPods() {
        return userNamespaces && kernel.atLeast(MOUNT_SETATTR);
    }

    /**
     * Status.runtime_handlers[].features. user_namespaces is claimed only
     * when a hostUsers=false pod really runs here: the runtime joins the
     * pod's user namespace, the kernel idmaps its rootfs, and its volumes can
     * be idmapped. The kubelet sends every such pod to a handler that claims it.
     */
    public RuntimeHandlerFeatures toCri() {
        return RuntimeHandlerFeatures.newBuilder()
                .setRecursiveReadOnlyMounts(recursiveReadOnlyMounts)
                .setUserNamespaces(userNamespacedPods())
                .build();
    }

    /**
     * Whether the spec must carry the uid/gid mappings of a user namespace it
     * joins by path. runc before 1.2 computes the container's host ids from
     * them (and fails without); runc 1.2+ reads them from the namespace and
     * warns that a later version will refuse both at once. Any other runtime
     * gets them, as the runtime spec allows.
     */
    public boolean needsMappingsToJoinUserns() {
        boolean runc = Path.of(runtime.isEmpty() ? "x" : runtime).getFileName().toString().contains("runc");
        java.util.regex.Matcher v = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!runc || !v.find()) {
            return true;
        }
        int major = Integer.parseInt(v.group(1));
        return major < 1 || (major == 1 && Integer.parseInt(v.group(2)) < 2);
    }

    /** The best idmap mount option the runtime names: "ridmap" suits our rbind volumes. */
    String idmapOption() {
        if (mountOptions.contains("ridmap")) {
            return "ridmap";
        }
        return mountOptions.contains("idmap") ? "idmap" : null;
    }
}
