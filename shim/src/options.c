#define _GNU_SOURCE
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

enum { O_ID = 1, O_BUNDLE, O_RUNTIME, O_RUNTIME_ARG, O_LOG, O_EXIT_FILE, O_SOCKET,
       O_EXEC, O_TERMINAL, O_STDIN, O_STDIN_ONCE, O_NO_START, O_TIMEOUT,
       O_STARTUP_TIMEOUT, O_SYNC_FD, O_ATTACH_FIRST };

static const struct option longopts[] = {
	{"id", required_argument, NULL, O_ID},
	{"bundle", required_argument, NULL, O_BUNDLE},
	{"runtime", required_argument, NULL, O_RUNTIME},
	{"runtime-arg", required_argument, NULL, O_RUNTIME_ARG},
	{"log", required_argument, NULL, O_LOG},
	{"exit-file", required_argument, NULL, O_EXIT_FILE},
	{"socket", required_argument, NULL, O_SOCKET},
	{"exec", required_argument, NULL, O_EXEC},
	{"terminal", no_argument, NULL, O_TERMINAL},
	{"stdin", no_argument, NULL, O_STDIN},
	{"stdin-once", no_argument, NULL, O_STDIN_ONCE},
	{"no-start", no_argument, NULL, O_NO_START},
	{"timeout", required_argument, NULL, O_TIMEOUT},
	{"startup-timeout", required_argument, NULL, O_STARTUP_TIMEOUT},
	{"sync-fd", required_argument, NULL, O_SYNC_FD},
	{"attach-first", no_argument, NULL, O_ATTACH_FIRST},
	{NULL, 0, NULL, 0},
};

static int parse_int(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0 || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

/* Finds name on PATH the way execvp would, so a missing runtime fails early. */
static const char *resolve_runtime(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? name : NULL;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	static char found[PATH_MAX];
	for (const char *p = path; *p;) {
		const char *colon = strchrnul(p, ':');
		int n = snprintf(found, sizeof found, "%.*s/%s", (int)(colon - p), p, name);
		if (n > 0 && (size_t)n < sizeof found && access(found, X_OK) == 0)
			return found;
		p = *colon ? colon + 1 : colon;
	}
	return NULL;
}

static int dir_writable(const char *file)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", file);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return -1;
	return access(dir, W_OK | X_OK);
}

static int validate(struct options *o, char *err, size_t errlen)
{
	const char *missing = !o->id ? "--id" : !o->log_path ? "--log"
		: !o->exit_file ? "--exit-file" : !o->socket_path ? "--socket"
		: (!o->bundle && !o->exec_process) ? "--bundle" : NULL;
	if (missing) {
		snprintf(err, errlen, "missing required option %s", missing);
		return -1;
	}
	const char *paths[] = {o->log_path, o->exit_file, o->socket_path, o->bundle, o->exec_process};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		if (paths[i] && paths[i][0] != '/') {
			snprintf(err, errlen, "path must be absolute: %s", paths[i]);
			return -1;
		}
	}
	/* Room for the ".tty" suffix of the console socket. */
	if (strlen(o->socket_path) + 5 > sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(err, errlen, "socket path too long (max %zu bytes): %s",
			 sizeof(((struct sockaddr_un *)0)->sun_path) - 5, o->socket_path);
		return -1;
	}
	if (dir_writable(o->log_path) < 0) {
		snprintf(err, errlen, "log directory of %s is missing or not writable", o->log_path);
		return -1;
	}
	if (dir_writable(o->exit_file) < 0) {
		snprintf(err, errlen, "exit file directory of %s is missing or not writable", o->exit_file);
		return -1;
	}
	if (dir_writable(o->socket_path) < 0) {
		snprintf(err, errlen, "socket directory of %s is missing or not writable", o->socket_path);
		return -1;
	}
	const char *rt = resolve_runtime(o->runtime);
	if (!rt) {
		snprintf(err, errlen, "OCI runtime %s not found or not executable", o->runtime);
		return -1;
	}
	o->runtime = rt;
	if (o->attach_first && !o->exec_process) {
		snprintf(err, errlen, "--attach-first is for exec mode (--exec) only");
		return -1;
	}
	if (o->exec_process) {
		if (access(o->exec_process, R_OK) < 0) {
			snprintf(err, errlen, "exec process file %s is not readable", o->exec_process);
			return -1;
		}
	} else {
		char cfg[PATH_MAX];
		snprintf(cfg, sizeof cfg, "%s/config.json", o->bundle);
		if (access(cfg, R_OK) < 0) {
			snprintf(err, errlen, "bad bundle %s: no readable config.json", o->bundle);
			return -1;
		}
	}
	return 0;
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->runtime = "runc";
	o->startup_timeout_s = 60;
	o->sync_fd = 1;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_ID: o->id = optarg; break;
		case O_BUNDLE: o->bundle = optarg; break;
		case O_RUNTIME: o->runtime = optarg; break;
		case O_RUNTIME_ARG:
			if (o->n_runtime_args == MAX_RUNTIME_ARGS) {
				snprintf(err, errlen, "too many --runtime-arg (max %d)", MAX_RUNTIME_ARGS);
				return -1;
			}
			o->runtime_args[o->n_runtime_args++] = optarg;
			break;
		case O_LOG: o->log_path = optarg; break;
		case O_EXIT_FILE: o->exit_file = optarg; break;
		case O_SOCKET: o->socket_path = optarg; break;
		case O_EXEC: o->exec_process = optarg; break;
		case O_TERMINAL: o->terminal = 1; break;
		case O_STDIN: o->open_stdin = 1; break;
		case O_STDIN_ONCE: o->stdin_once = 1; break;
		case O_NO_START: o->no_start = 1; break;
		case O_ATTACH_FIRST: o->attach_first = 1; break;
		case O_TIMEOUT:
		case O_STARTUP_TIMEOUT:
		case O_SYNC_FD: {
			int v;
			if (parse_int(optarg, &v) < 0) {
				snprintf(err, errlen, "bad number for %s: %s", argv[optind - 1], optarg);
				return -1;
			}
			if (c == O_TIMEOUT) o->exec_timeout_s = v;
			else if (c == O_STARTUP_TIMEOUT) o->startup_timeout_s = v;
			else o->sync_fd = v;
			break;
		}
		default:
			snprintf(err, errlen, "unknown or incomplete option %s", argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc) {
		snprintf(err, errlen, "unexpected argument %s", argv[optind]);
		return -1;
	}
	return validate(o, err, errlen);
}
