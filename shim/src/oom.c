#define _GNU_SOURCE
#include "oom.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util.h"

#define V1_ROOT "/sys/fs/cgroup/memory"
#define V2_ROOT "/sys/fs/cgroup"

/* Finds the cgroup path of pid in the line of the named v1 controller, or the v2 "0::" line. */
static int cgroup_path(int pid, int v2, char *out, size_t outlen)
{
	char file[64];
	snprintf(file, sizeof file, "/proc/%d/cgroup", pid);
	char *s = read_small_file(file, 8192);
	if (!s)
		return -1;
	int found = -1;
	char *save = NULL;
	for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1;
		int match = v2 ? (strncmp(line, "0:", 2) == 0 && *ctrls == '\0') : 0;
		if (!v2) {
			const char *p = ctrls;
			while (*p) {
				const char *e = strchrnul(p, ',');
				if ((size_t)(e - p) == 6 && strncmp(p, "memory", 6) == 0)
					match = 1;
				p = *e ? e + 1 : e;
			}
		}
		if (match) {
			snprintf(out, outlen, "%s%s", v2 ? V2_ROOT : V1_ROOT, c2 + 1);
			found = 0;
			break;
		}
	}
	free(s);
	return found;
}

static void register_v1(struct oom *o)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/memory.oom_control", o->dir);
	int ctl = open(path, O_RDONLY | O_CLOEXEC);
	if (ctl < 0)
		return;
	snprintf(path, sizeof path, "%s/cgroup.event_control", o->dir);
	int ev = open(path, O_WRONLY | O_CLOEXEC);
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ev >= 0 && efd >= 0) {
		char line[32];
		int n = snprintf(line, sizeof line, "%d %d", efd, ctl);
		if (write_all(ev, line, (size_t)n) == 0) {
			o->efd = efd;
			efd = -1;
		}
	}
	if (efd >= 0)
		close(efd);
	if (ev >= 0)
		close(ev);
	close(ctl);
}

void oom_watch(struct oom *o, int pid)
{
	memset(o, 0, sizeof *o);
	o->efd = -1;
	if (access(V1_ROOT "/memory.limit_in_bytes", F_OK) == 0) {
		if (cgroup_path(pid, 0, o->dir, sizeof o->dir) == 0)
			register_v1(o);
	} else if (access(V2_ROOT "/cgroup.controllers", F_OK) == 0) {
		o->v2 = 1;
		if (cgroup_path(pid, 1, o->dir, sizeof o->dir) < 0)
			o->dir[0] = '\0';
	}
}

void oom_event(struct oom *o)
{
	uint64_t v;
	if (read(o->efd, &v, sizeof v) == (ssize_t)sizeof v && v > 0)
		o->seen = 1;
}

/* Reads "oom_kill N" from a flat keyed file; -1 when absent. */
static long read_oom_kill(const char *file)
{
	char *s = read_small_file(file, 4096);
	if (!s)
		return -1;
	long v = -1;
	char *p = strstr(s, "oom_kill ");
	if (p && (p == s || p[-1] == '\n'))
		v = strtol(p + 9, NULL, 10);
	free(s);
	return v;
}

int oom_killed(struct oom *o)
{
	if (o->efd >= 0)
		oom_event(o);
	if (o->dir[0] == '\0')
		return o->seen;
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", o->dir, o->v2 ? "memory.events" : "memory.oom_control");
	long kills = read_oom_kill(path);
	/* Old v1 kernels lack the counter: fall back to the events seen. */
	return kills < 0 ? o->seen : kills > 0;
}

void oom_close(struct oom *o)
{
	if (o->efd >= 0)
		close(o->efd);
	o->efd = -1;
}
