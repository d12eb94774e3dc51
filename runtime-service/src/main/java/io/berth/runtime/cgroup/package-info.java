/**
 * The cgroup layer of berthd: where pods and containers live in the cgroup
 * tree, the limits they get, and the usage read back for stats.
 *
 * <p>Why it is shaped this way:
 * <ul>
 * <li><b>Write the filesystem ourselves, for both drivers.</b> The only thing a
 * driver changes is naming: cgroupfs takes paths, systemd takes slices whose
 * names encode their paths. So one {@link io.berth.runtime.cgroup.CgroupNaming}
 * turns kubelet strings into a {@link io.berth.runtime.cgroup.CgroupPath} and
 * one manager mkdirs that path. On a real systemd host the pod slice made this
 * way sits exactly where systemd would put it, and each container's scope is
 * still created through systemd by the OCI runtime (runc's systemd driver talks
 * D-Bus), so berthd needs no D-Bus client; this machine has no systemd to test
 * one against anyway.</li>
 * <li><b>v1 and v2 behind one sealed backend.</b> The CRI speaks v1 (shares,
 * memsw); the v2 backend converts with the formulas runc and the kubelet use,
 * so a pod gets the same slice of the machine on either kind of node. Hybrid
 * hosts are v1 for limits; the empty cgroup2 mount only gets the directory,
 * because runc puts containers there too and we must be able to remove it.</li>
 * <li><b>Ownership decides removal.</b> The kubelet creates and deletes its own
 * pod cgroups; Berth removes a pod cgroup only when it made it (recorded in
 * {@link io.berth.runtime.cgroup.PodCgroup}, which the sandbox record keeps across
 * restarts), otherwise only its own {@code berth-*} leftovers below it. Nothing
 * above the pod path is ever removed, since parents are shared by pods created
 * concurrently.</li>
 * <li><b>A fake kernel, not mocks, for unit tests.</b> cgroupfs has rules plain
 * files lack (mkdir creates files, writes must hit them, rmdir says EBUSY), so
 * the {@link io.berth.runtime.cgroup.CgroupFs} boundary has a test fake that
 * imitates them; integration tests run the same code on this machine's real
 * hierarchies.</li>
 * <li><b>Degrade instead of failing pods</b> where the host cannot do what was
 * asked but the pod can still run safely: oom_score_adj below berthd's own
 * without CAP_SYS_RESOURCE, "no swap" without swap accounting. Real limits that
 * cannot be applied fail the call, naming the cgroup and controller.</li>
 * </ul>
 */
package io.berth.runtime.cgroup;
