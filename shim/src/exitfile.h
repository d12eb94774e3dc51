/* The exit file: written once, atomically (temp + rename), when the process ends. */
#ifndef BERTH_EXITFILE_H
#define BERTH_EXITFILE_H

#include <time.h>

struct exit_record {
	int exit_code;      /* 128+signal for signal deaths */
	int signal;         /* 0 when it exited normally */
	int oom_killed;
	int timed_out;      /* exec mode: killed by --timeout */
	struct timespec finished_at;
};

int exitfile_write(const char *path, const struct exit_record *r);

#endif
