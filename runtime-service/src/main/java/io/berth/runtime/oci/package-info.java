/**
 * OCI runtime-spec generation: one pure generator ({@link io.berth.runtime.oci.OciSpecGenerator})
 * turns a CRI container request plus the pod's namespace pins into config.json.
 * It reads nothing but the image's passwd/group files (inside the rootfs, never
 * following a link out of it) and stats of host paths for volumes and devices,
 * so every rule is unit-tested table by table. The security-context work
 * (seccomp, AppArmor, SELinux, user namespaces) extends
 * {@code OciSpecGenerator.security}; nothing else builds a spec.
 */
package io.berth.runtime.oci;
