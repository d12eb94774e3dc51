/* Command line of berth-shim; the meaning of each flag is in PROTOCOL.md. */
#ifndef BERTH_OPTIONS_H
#define BERTH_OPTIONS_H

#include <stddef.h>

#define MAX_RUNTIME_ARGS 16

struct options {
	const char *id;
	const char *bundle;
	const char *runtime;          /* resolved to an absolute path */
	const char *runtime_args[MAX_RUNTIME_ARGS];
	int n_runtime_args;
	const char *log_path;
	const char *exit_file;
	const char *socket_path;
	const char *exec_process;     /* exec mode when set */
	int terminal;
	int open_stdin;
	int stdin_once;
	int no_start;
	int attach_first;             /* exec mode: run it once a client sent ATTACH; wait for slow clients */
	int exec_timeout_s;           /* 0: none */
	int startup_timeout_s;
	int sync_fd;
};

/* Parses and validates; on failure writes a message into err and returns -1. */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);

#endif
