#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int build_argv(const struct runtime_call *c, const char *sub, const char **argv)
{
	const struct options *o = c->opts;
	int n = 0;
	argv[n++] = o->runtime;
	for (int i = 0; i < o->n_runtime_args; i++)
		argv[n++] = o->runtime_args[i];
	argv[n++] = sub;
	int creates = strcmp(sub, "create") == 0 || strcmp(sub, "run") == 0;
	if (creates) {
		argv[n++] = "--bundle";
		argv[n++] = o->bundle;
		if (sub[0] == 'r')
			argv[n++] = "--detach";
	} else if (strcmp(sub, "exec") == 0) {
		argv[n++] = "--process";
		argv[n++] = o->exec_process;
		argv[n++] = "--detach";
	} else if (strcmp(sub, "delete") == 0) {
		argv[n++] = "--force";
	}
	if (creates || strcmp(sub, "exec") == 0) {
		argv[n++] = "--pid-file";
		argv[n++] = c->pid_file;
		if (c->console_socket) {
			argv[n++] = "--console-socket";
			argv[n++] = c->console_socket;
		}
	}
	argv[n++] = o->id;
	argv[n] = NULL;
	return n;
}

static void child_exec(const char **argv, struct runtime_stdio io)
{
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* Own process group: a timeout kills the runtime with everything it started. */
	setpgid(0, 0);
	int fds[3] = {io.in, io.out, io.err};
	/* Move the sources above 2 first so that dup2 cannot clobber one with another. */
	for (int i = 0; i < 3; i++)
		fds[i] = fcntl(fds[i], F_DUPFD, 3);
	for (int i = 0; i < 3; i++)
		if (fds[i] < 0 || dup2(fds[i], i) < 0)
			_exit(127);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

static int remaining_ms(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

static int decode_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int runtime_run(const struct runtime_call *c, const char *sub, struct runtime_stdio io, pid_t *pgid)
{
	const char *argv[MAX_RUNTIME_ARGS + 16];
	build_argv(c, sub, argv);
	pid_t pid = fork();
	if (pid < 0)
		return -2;
	if (pid == 0)
		child_exec(argv, io);
	setpgid(pid, pid); /* also in the parent: no race with a kill before the child ran */
	if (pgid)
		*pgid = pid;
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += c->timeout_ms / 1000;
	deadline.tv_nsec += (long)(c->timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	for (;;) {
		int st;
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return decode_status(st);
		if (w < 0 && errno != EINTR)
			return -2;
		struct pollfd p = {.fd = c->sigfd, .events = POLLIN};
		int r = poll(&p, 1, remaining_ms(&deadline));
		if (r == 0) {
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		if (r > 0) {
			/* Consume the SIGCHLD; other children are reaped later by the monitor loop. */
			struct signalfd_siginfo si;
			(void)!read(c->sigfd, &si, sizeof si);
		}
	}
}

/*
 * One runtime process per container start: "run --detach" creates and starts
 * it, saving a whole exec of the runtime (tens of ms on a busy node). "create"
 * alone for --no-start, where berthd runs "start" itself.
 */
const char *runtime_first_command(const struct options *o)
{
	if (o->exec_process)
		return "exec";
	return o->no_start ? "create" : "run";
}

pid_t runtime_read_pid(const char *pid_file)
{
	char *s = read_small_file(pid_file, 32);
	if (!s)
		return -1;
	char *end;
	long v = strtol(s, &end, 10);
	pid_t pid = (end != s && v > 0) ? (pid_t)v : -1;
	free(s);
	return pid;
}

void drain_text(int fd, struct buf *out, size_t max)
{
	char chunk[4096];
	set_nonblock(fd, 1);
	while (out->len < max) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size_t take = (size_t)r;
		if (out->len + take > max)
			take = max - out->len;
		buf_append(out, chunk, take);
	}
}
