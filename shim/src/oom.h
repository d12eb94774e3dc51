/* Did the kernel's OOM killer act in the container's memory cgroup? (v1 and v2) */
#ifndef BERTH_OOM_H
#define BERTH_OOM_H

#include <limits.h>

struct oom {
	int efd;            /* v1: eventfd registered on memory.oom_control, else -1 */
	int v2;
	int seen;           /* an OOM event arrived on efd */
	char dir[PATH_MAX]; /* the memory cgroup directory, empty if unknown */
};

/* Finds pid's memory cgroup and, on v1, registers an eventfd for OOM events. */
void oom_watch(struct oom *o, int pid);
/* Called when efd is readable. */
void oom_event(struct oom *o);
/* Final answer once the process is gone: the oom_kill counter, or the events seen. */
int oom_killed(struct oom *o);
void oom_close(struct oom *o);

#endif
