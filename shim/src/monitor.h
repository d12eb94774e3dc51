/* The monitor: from "container running" to "exit file written". */
#ifndef BERTH_MONITOR_H
#define BERTH_MONITOR_H

#include <sys/types.h>

#include "attach.h"
#include "crilog.h"
#include "exitfile.h"
#include "oom.h"
#include "options.h"

struct monitor {
	const struct options *opts;
	int epfd;
	int sigfd;
	int out_fd[2];      /* stdout, stderr read ends; the pty master is out_fd[0] */
	int stdin_fd;       /* pipe write end or a dup of the pty master; -1 when closed */
	int stdin_watched;
	struct buf stdin_pending;
	int stdin_close_requested;
	int pty_fd;         /* for resize; -1 without a terminal */
	int timer_fd;       /* exec timeout; -1 without */
	pid_t pid;          /* the container's init or the exec process */
	pid_t runtime_pgid; /* process group of the runtime that started it */
	int exited;
	struct exit_record result;
	struct crilog log;
	struct attach attach;
	struct oom oom;
	int watch_oom;
};

/* Runs the event loop until the process has exited and its output is drained. */
void monitor_run(struct monitor *m);
void monitor_handle_frame(void *ctx, struct client *c, uint8_t type, const char *p, uint32_t n);
void monitor_client_closed(void *ctx, struct client *c);

#endif
