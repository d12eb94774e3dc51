#define _GNU_SOURCE
#include "exitfile.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int exitfile_write(const char *path, const struct exit_record *r)
{
	char dir[PATH_MAX], base[PATH_MAX], tmp[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	snprintf(base, sizeof base, "%s", path);
	const char *d = dirname(dir);
	/* A dot name: watchers of the exit directory skip it until the rename. */
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", d, basename(base));

	struct tm tm;
	char when[64];
	gmtime_r(&r->finished_at.tv_sec, &tm);
	size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof when - n, ".%09ldZ", r->finished_at.tv_nsec);
	char body[512];
	int len = snprintf(body, sizeof body,
			   "{\"exit_code\":%d,\"signal\":%d,\"oom_killed\":%s,\"timed_out\":%s,"
			   "\"finished_at\":\"%s\",\"finished_at_unix_nano\":%lld}\n",
			   r->exit_code, r->signal, r->oom_killed ? "true" : "false",
			   r->timed_out ? "true" : "false", when,
			   (long long)r->finished_at.tv_sec * 1000000000LL + r->finished_at.tv_nsec);

	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	/*
	 * No fsync: the exit file lives in the state dir, which a reboot empties
	 * anyway, and a crash of berthd keeps the page cache. On a disk-backed
	 * state dir the two fsyncs cost more than the rest of a container's stop.
	 */
	if (write_all(fd, body, (size_t)len) < 0) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}
