/*
 * berth-shim: one per container (or exec). Detaches from berthd, runs the OCI
 * runtime, holds the stdio, writes the CRI log, serves attach, records the
 * exit. The contract with berthd is shim/PROTOCOL.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "monitor.h"
#include "runtime.h"
#include "sync.h"

/* What the start-up phases share, so that every failure can undo all of it. */
struct startup {
	struct options opts;
	struct monitor mon;
	char pid_file[PATH_MAX];
	char console_path[PATH_MAX];
	int console_fd;
	int child_in, child_out, child_err; /* the runtime's stdio, closed once it ran */
	int err_read;                       /* where the runtime's error text arrives */
	int created;
};

static int fail(struct startup *s, const char *stage, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void cleanup_files(struct startup *s)
{
	unlink(s->pid_file);
	if (s->console_path[0])
		unlink(s->console_path);
}

/* Undoes start-up, reports through the sync pipe and exits: no exit file, no stray process. */
static int fail(struct startup *s, const char *stage, int status, const char *fmt, ...)
{
	char msg[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (s->mon.pid > 0) {
		kill(s->mon.pid, SIGKILL);
		waitpid(s->mon.pid, NULL, 0);
	}
	if (s->created) {
		struct runtime_call del = {.opts = &s->opts, .sigfd = s->mon.sigfd, .timeout_ms = 10000};
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		runtime_run(&del, "delete", (struct runtime_stdio){devnull, devnull, devnull}, NULL);
		close(devnull);
	}
	attach_close_listener(&s->mon.attach, s->opts.socket_path);
	cleanup_files(s);
	sync_send_error(s->opts.sync_fd, stage, status, msg, strlen(msg));
	exit(1);
}

/* Closed (after a 'S' byte if started) when the sync answer is written. */
static int answered_fd = -1;

/*
 * Double fork: the shim ends up nobody's child but init's. berthd's child stays
 * until the shim has answered, so berthd can read the whole answer once its
 * child has exited (the JDK drains and closes a child's stdout when it exits).
 */
static void detach(void)
{
	int answered[2];
	if (pipe2(answered, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid < 0)
		return; /* reported by the caller through the missing "shim" message */
	if (pid > 0) {
		close(answered[1]);
		waitpid(pid, NULL, 0);
		char c = 0;
		while (read(answered[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(c == 'S' ? 0 : 1);
	}
	close(answered[0]);
	setsid();
	pid = fork();
	if (pid != 0)
		_exit(pid < 0 ? 1 : 0);
	answered_fd = answered[1];
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (chdir("/") < 0)
		_exit(1);
}

static void setup_signals(struct startup *s)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	s->mon.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	s->mon.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->mon.sigfd < 0 || s->mon.epfd < 0)
		fail(s, "setup", -1, "signalfd/epoll: %s", strerror(errno));
}

static void make_pipe(struct startup *s, int p[2])
{
	if (pipe2(p, O_CLOEXEC) < 0)
		fail(s, "setup", -1, "pipe: %s", strerror(errno));
}

static void setup_stdio(struct startup *s)
{
	struct monitor *m = &s->mon;
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	int out[2], err[2], in[2];
	m->stdin_fd = m->pty_fd = m->out_fd[1] = -1;
	make_pipe(s, err);
	s->child_err = err[1];
	s->err_read = err[0];
	if (s->opts.terminal) {
		/* The pty carries all the output; err only catches the runtime's own errors. */
		snprintf(s->console_path, sizeof s->console_path, "%s.tty", s->opts.socket_path);
		s->console_fd = console_listen(s->console_path);
		if (s->console_fd < 0)
			fail(s, "setup", -1, "console socket %s: %s", s->console_path, strerror(errno));
		s->child_in = s->child_out = devnull;
		return;
	}
	make_pipe(s, out);
	s->child_out = out[1];
	m->out_fd[0] = out[0];
	m->out_fd[1] = err[0];
	s->child_in = devnull;
	if (s->opts.open_stdin) {
		make_pipe(s, in);
		s->child_in = in[0];
		m->stdin_fd = in[1];
	}
}

static void setup_monitor_io(struct startup *s)
{
	struct monitor *m = &s->mon;
	m->opts = &s->opts;
	if (crilog_open(&m->log, s->opts.log_path) < 0)
		fail(s, "setup", -1, "cannot open log file %s: %s", s->opts.log_path, strerror(errno));
	if (attach_listen(&m->attach, s->opts.socket_path, m->epfd) < 0)
		fail(s, "setup", -1, "attach socket %s: %s", s->opts.socket_path, strerror(errno));
	m->attach.on_frame = monitor_handle_frame;
	m->attach.on_close = monitor_client_closed;
	m->attach.ctx = m;
	snprintf(s->pid_file, sizeof s->pid_file, "%s.pid", s->opts.socket_path);
}

/* The runtime's stderr is the error text; with pipes it shares the container's stderr,
 * which is fine: when create fails there is no container to write to it. */
static void runtime_failed(struct startup *s, const char *stage, int status)
{
	struct buf text = {0};
	drain_text(s->err_read, &text, 8000);
	while (text.len && (text.data[text.len - 1] == '\n' || text.data[text.len - 1] == ' '))
		text.len--;
	if (status == -1)
		fail(s, stage, status, "OCI runtime %s timed out after %d s",
		     stage, s->opts.startup_timeout_s);
	if (text.len == 0)
		fail(s, stage, status, "OCI runtime %s exited with status %d", stage, status);
	fail(s, stage, status, "%.*s", (int)text.len, text.data);
}

static void run_runtime(struct startup *s)
{
	struct monitor *m = &s->mon;
	const char *sub = runtime_first_command(&s->opts);
	struct runtime_call call = {.opts = &s->opts, .sigfd = m->sigfd,
				    .timeout_ms = s->opts.startup_timeout_s * 1000,
				    .pid_file = s->pid_file,
				    .console_socket = s->opts.terminal ? s->console_path : NULL};
	int st = runtime_run(&call, sub, (struct runtime_stdio){s->child_in, s->child_out, s->child_err},
			     &m->runtime_pgid);
	/* Only the container may hold the write ends now, so EOF means it closed them. */
	close(s->child_out);
	close(s->child_err);
	if (s->child_in != s->child_out)
		close(s->child_in);
	s->created = st != -2 && !s->opts.exec_process;
	if (st != 0)
		runtime_failed(s, sub, st);
	m->pid = runtime_read_pid(s->pid_file);
	if (m->pid <= 0)
		fail(s, sub, 0, "OCI runtime %s wrote no pid to %s", sub, s->pid_file);
	if (s->opts.terminal) {
		m->pty_fd = console_receive(s->console_fd);
		if (m->pty_fd < 0)
			fail(s, sub, 0, "no terminal received on %s: %s", s->console_path, strerror(errno));
		m->out_fd[0] = m->pty_fd;
		m->stdin_fd = s->opts.open_stdin ? fcntl(m->pty_fd, F_DUPFD_CLOEXEC, 3) : -1;
		close(s->console_fd);
		unlink(s->console_path);
	}
	if (strcmp(sub, "create") != 0)
		return; /* "run" started it; --no-start leaves "start" to berthd */
	call.pid_file = NULL;
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	int errp[2];
	make_pipe(s, errp);
	st = runtime_run(&call, "start", (struct runtime_stdio){devnull, devnull, errp[1]}, NULL);
	close(errp[1]);
	close(devnull);
	s->err_read = errp[0];
	if (st != 0)
		runtime_failed(s, "start", st);
	close(errp[0]);
}

/* From here on berthd may come and go; nothing may write to its pipes. */
static void release_berthd(struct startup *s)
{
	sync_send_started(s->opts.sync_fd, s->mon.pid);
	if (answered_fd >= 0) {
		(void)!write(answered_fd, "S", 1);
		close(answered_fd);
	}
	int devnull = open("/dev/null", O_RDWR);
	dup2(devnull, s->opts.sync_fd);
	dup2(devnull, 0);
	dup2(devnull, 1);
	dup2(devnull, 2);
	if (devnull > 2)
		close(devnull);
}

int main(int argc, char **argv)
{
	static struct startup s;
	char err[1024];
	signal(SIGPIPE, SIG_IGN);
	if (options_parse(&s.opts, argc, argv, err, sizeof err) < 0) {
		int fd = s.opts.sync_fd ? s.opts.sync_fd : 1;
		sync_send_error(fd, "options", -1, err, strlen(err));
		return 2;
	}
	detach();
	sync_send_shim(s.opts.sync_fd, getpid());
	setup_signals(&s);
	setup_stdio(&s);
	setup_monitor_io(&s);
	/* A streaming exec: its reader comes first, and is waited for rather than dropped. */
	if (s.opts.attach_first) {
		s.mon.attach.backpressure = 1;
		if (attach_wait_first(&s.mon.attach, s.opts.startup_timeout_s * 1000) < 0)
			fail(&s, "setup", -1, "no client sent ATTACH on %s within %d s", s.opts.socket_path,
			     s.opts.startup_timeout_s);
	}
	run_runtime(&s);
	s.mon.watch_oom = s.opts.exec_process == NULL;
	if (s.mon.watch_oom)
		oom_watch(&s.mon.oom, s.mon.pid);
	release_berthd(&s);
	monitor_run(&s.mon);
	unlink(s.pid_file);
	return 0;
}
