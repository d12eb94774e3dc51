# Berth's default AppArmor profile for containers (CRI RuntimeDefault).
# Loaded by berthd with apparmor_parser -Kr when a container first asks for it.
# It allows ordinary work and denies what a container should not touch on
# the host: mounting, raw kernel interfaces under /proc and /sys, and
# tracing or signalling processes outside containers under this profile.

#include <tunables/global>

profile berth-default flags=(attach_disconnected,mediate_deleted) {
  #include <abstractions/base>

  network,
  capability,
  file,
  umount,
  pivot_root,

  # Containers under this profile may signal and trace each other; from
  # outside only unconfined processes (berthd, the OCI runtime) may signal in.
  signal (receive) peer=unconfined,
  signal (send,receive) peer=berth-default,
  ptrace (trace,read,tracedby,readby) peer=berth-default,

  deny mount,

  # Kernel tunables and raw memory. /proc/sys is also mounted read-only by
  # the spec; this holds even where a container gets it writable.
  deny @{PROC}/sys/** wklx,
  deny @{PROC}/{sysrq-trigger,kcore,kmem,mem} rwklx,

  # sysfs: no writes anywhere but below /sys/fs/cgroup (AppArmor has no
  # "except", so the rule spells out every other prefix); firmware and LSM
  # state are not readable at all.
  deny /sys/{[^f],f[^s],fs/[^c],fs/c[^g],fs/cg[^r]}** wklx,
  deny /sys/{firmware,kernel/security}/** rwklx,
}
