/**
 * OCI runtime-spec generation: one pure generator ({@link io.berth.runtime.oci.OciSpecGenerator})
 * turns a CRI container request plus the pod's namespace pins into config.json.
 * It reads nothing but the image's passwd/group files (inside the rootfs, never
 * following a link out of it), stats of host paths for volumes and devices and
 * Localhost seccomp profiles, so every rule is unit-tested table by table.
 *
 * <p>The security context is decided in its own classes: {@code SeccompProfiles}
 * (Berth's embedded RuntimeDefault allow-list, seccomp-default.json, and
 * Localhost/legacy profiles), {@code LsmSpec} (AppArmor and SELinux through the
 * {@link io.berth.runtime.oci.SecurityModules} boundary), {@code UserNamespaceSpec}
 * and {@code VolumeIdmap} (POD user namespaces, idmapped volumes) and the rro rule
 * in {@code MountSpec}. Optional features are claimed only when
 * {@link io.berth.runtime.oci.RuntimeFeatures} (from {@code <runtime> features} and
 * the kernel version) says the runtime in use has them. berthd probes every runtime
 * handler once at start ({@link io.berth.runtime.oci.ProbedRuntimes}); the generator
 * gets the pod's handler's answer and Status reports the same answers, so the two
 * cannot disagree. {@link io.berth.runtime.oci.RuntimeBinaryCheck} is Status's
 * RuntimeReady; {@link io.berth.runtime.oci.HostPropagation} readies the host side of
 * rslave/rshared volumes once a spec has been generated.
 */
package io.berth.runtime.oci;
