/* Running the OCI runtime CLI: run, create, start, exec, delete. */
#ifndef BERTH_RUNTIME_H
#define BERTH_RUNTIME_H

#include <sys/types.h>

#include "options.h"
#include "util.h"

/* The stdio the runtime's child gets; the runtime hands it on to the container. */
struct runtime_stdio {
	int in, out, err;
};

struct runtime_call {
	const struct options *opts;
	int sigfd;              /* signalfd with SIGCHLD, to wait without polling */
	int timeout_ms;
	const char *pid_file;
	const char *console_socket; /* NULL without a terminal */
};

/*
 * Runs `runtime <runtime-args> <sub> ...`, waits for it, and returns its
 * status (exit code, 128+signal) or -1 when it timed out and was killed.
 * *pgid receives the runtime's process group, which its children inherit.
 */
int runtime_run(const struct runtime_call *c, const char *sub, struct runtime_stdio io, pid_t *pgid);
/* The runtime call that makes the process: "run" (detached), "create" (--no-start) or "exec". */
const char *runtime_first_command(const struct options *o);
/* Reads the pid the runtime wrote, or -1. */
pid_t runtime_read_pid(const char *pid_file);
/* Drains whatever is readable on fd without blocking (error text of a failed runtime). */
void drain_text(int fd, struct buf *out, size_t max);

#endif
