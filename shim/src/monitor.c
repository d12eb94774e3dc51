#define _GNU_SOURCE
#include "monitor.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "protocol.h"

#define TAG_SIGNAL 3ULL
#define TAG_OUTPUT 4ULL
#define TAG_OOM 5ULL
#define TAG_TIMER 6ULL
#define TAG_STDIN 7ULL
#define READ_CHUNK (128 * 1024)
/* Beyond this much unread stdin, clients are not read until the process catches up. */
#define STDIN_PENDING_MAX (1u << 20)
#define CLIENT_SENT_STDIN 0x100

static void watch(struct monitor *m, int fd, unsigned long long tag, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.u64 = (tag << 32) | (uint32_t)fd};
	epoll_ctl(m->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void close_stdin(struct monitor *m)
{
	if (m->stdin_fd < 0)
		return;
	if (m->stdin_pending.len) {
		m->stdin_close_requested = 1; /* after the pending bytes */
		return;
	}
	if (m->pty_fd >= 0) {
		/* A terminal has no half-close: the line discipline's EOF character is the equivalent. */
		char eof = '\004';
		(void)!write(m->stdin_fd, &eof, 1);
	}
	if (m->stdin_watched)
		epoll_ctl(m->epfd, EPOLL_CTL_DEL, m->stdin_fd, NULL);
	close(m->stdin_fd);
	m->stdin_fd = -1;
	m->stdin_watched = 0;
}

static void flush_stdin(struct monitor *m)
{
	while (m->stdin_pending.len) {
		ssize_t w = write(m->stdin_fd, m->stdin_pending.data, m->stdin_pending.len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w < 0) { /* the reader is gone: nothing will ever read it */
			m->stdin_pending.len = 0;
			break;
		}
		buf_consume(&m->stdin_pending, (size_t)w);
	}
	int want = m->stdin_pending.len > 0;
	if (want != m->stdin_watched) {
		if (want)
			watch(m, m->stdin_fd, TAG_STDIN, EPOLLOUT);
		else
			epoll_ctl(m->epfd, EPOLL_CTL_DEL, m->stdin_fd, NULL);
		m->stdin_watched = want;
	}
	attach_pause_input(&m->attach, m->stdin_pending.len >= STDIN_PENDING_MAX);
	if (!m->stdin_pending.len && m->stdin_close_requested) {
		m->stdin_close_requested = 0;
		close_stdin(m);
	}
}

static void ack(struct monitor *m, struct client *c, uint8_t type, const char *err)
{
	char msg[256];
	msg[0] = (char)type;
	size_t n = err ? strlen(err) : 0;
	if (n > sizeof msg - 1)
		n = sizeof msg - 1;
	memcpy(msg + 1, err ? err : "", n);
	attach_send(&m->attach, c, F_ACK, msg, (uint32_t)(n + 1));
}

void monitor_handle_frame(void *ctx, struct client *c, uint8_t type, const char *p, uint32_t n)
{
	struct monitor *m = ctx;
	char err[200];
	switch (type) {
	case F_STDIN:
		if (m->stdin_fd < 0 || m->stdin_close_requested)
			return; /* no stdin, or closed: the bytes have nowhere to go */
		c->flags |= CLIENT_SENT_STDIN;
		buf_append(&m->stdin_pending, p, n);
		flush_stdin(m);
		return;
	case F_CLOSE_STDIN:
		close_stdin(m);
		ack(m, c, type, NULL);
		return;
	case F_RESIZE: {
		if (n != 4 || m->pty_fd < 0) {
			ack(m, c, type, n != 4 ? "bad resize frame" : "not a terminal");
			return;
		}
		const unsigned char *u = (const unsigned char *)p;
		struct winsize ws = {.ws_row = (unsigned short)(u[0] << 8 | u[1]),
				     .ws_col = (unsigned short)(u[2] << 8 | u[3])};
		int r = ioctl(m->pty_fd, TIOCSWINSZ, &ws);
		snprintf(err, sizeof err, "resize: %s", strerror(errno));
		ack(m, c, type, r < 0 ? err : NULL);
		return;
	}
	case F_REOPEN_LOG: {
		int r = crilog_reopen(&m->log);
		snprintf(err, sizeof err, "reopen %s: %s", m->log.path, strerror(errno));
		ack(m, c, type, r < 0 ? err : NULL);
		return;
	}
	default:
		ack(m, c, type, "unknown frame type");
	}
}

void monitor_client_closed(void *ctx, struct client *c)
{
	struct monitor *m = ctx;
	if (m->opts->stdin_once && (c->flags & CLIENT_SENT_STDIN))
		close_stdin(m);
}

/* Returns 0 while the stream is open, -1 once it reached EOF (or EIO: pty slave gone). */
static int read_output(struct monitor *m, int stream, int drain)
{
	static char chunk[READ_CHUNK];
	int fd = m->out_fd[stream];
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return 0;
		if (r <= 0) {
			epoll_ctl(m->epfd, EPOLL_CTL_DEL, fd, NULL);
			close(fd);
			m->out_fd[stream] = -1;
			return -1;
		}
		crilog_feed(&m->log, stream, chunk, (size_t)r);
		attach_broadcast(&m->attach, stream, chunk, (size_t)r);
		/* Outside the final drain, one read per wakeup keeps the streams fair. */
		if (!drain)
			return 0;
	}
}

static void reap(struct monitor *m)
{
	int st;
	pid_t w;
	while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
		if (w != m->pid)
			continue; /* an orphan we inherited as subreaper */
		clock_gettime(CLOCK_REALTIME, &m->result.finished_at);
		if (WIFSIGNALED(st)) {
			m->result.signal = WTERMSIG(st);
			m->result.exit_code = 128 + WTERMSIG(st);
		} else {
			m->result.exit_code = WEXITSTATUS(st);
		}
		m->exited = 1;
	}
}

static void on_timeout(struct monitor *m)
{
	/* The runtime's group holds a non-terminal exec tree; a terminal exec is its own session. */
	kill(-m->runtime_pgid, SIGKILL);
	kill(-m->pid, SIGKILL);
	kill(m->pid, SIGKILL);
	m->result.timed_out = 1;
}

static void dispatch(struct monitor *m, struct epoll_event *ev)
{
	unsigned long long tag = ev->data.u64 >> 32;
	int fd = (int)(ev->data.u64 & 0xffffffffu);
	if (tag == TAG_SIGNAL) {
		struct signalfd_siginfo si;
		while (read(m->sigfd, &si, sizeof si) == (ssize_t)sizeof si)
			; /* SIGCHLD reaps below; SIGTERM/SIGINT/SIGHUP are ignored: the container owns our life */
		reap(m);
	} else if (tag == TAG_OUTPUT) {
		read_output(m, fd == m->out_fd[0] ? 0 : 1, 0);
	} else if (tag == TAG_LISTEN) {
		attach_accept(&m->attach);
	} else if (tag == TAG_CLIENT) {
		attach_client_event(&m->attach, fd, ev->events);
	} else if (tag == TAG_OOM) {
		oom_event(&m->oom);
	} else if (tag == TAG_TIMER) {
		uint64_t n;
		(void)!read(m->timer_fd, &n, sizeof n);
		on_timeout(m);
	} else if (tag == TAG_STDIN) {
		flush_stdin(m);
	}
}

static void arm_timer(struct monitor *m)
{
	m->timer_fd = -1;
	if (m->opts->exec_timeout_s <= 0)
		return;
	m->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec its = {.it_value = {.tv_sec = m->opts->exec_timeout_s}};
	timerfd_settime(m->timer_fd, 0, &its, NULL);
	watch(m, m->timer_fd, TAG_TIMER, EPOLLIN);
}

static void finish(struct monitor *m)
{
	/* Everything written before the exit is in the pipes now; a grandchild holding a
	 * pipe open must not keep us here, so read only what is there. */
	for (int s = 0; s < 2; s++)
		if (m->out_fd[s] >= 0)
			read_output(m, s, 1);
	crilog_finish(&m->log, m->opts->exec_process ? 'P' : 'F');
	attach_close_listener(&m->attach, m->opts->socket_path);
	if (m->watch_oom)
		m->result.oom_killed = oom_killed(&m->oom);
	if (exitfile_write(m->opts->exit_file, &m->result) < 0)
		crilog_notice(&m->log, "berth-shim: cannot write the exit file");
	attach_shutdown(&m->attach, m->result.exit_code);
	crilog_close(&m->log);
}

void monitor_run(struct monitor *m)
{
	watch(m, m->sigfd, TAG_SIGNAL, EPOLLIN);
	for (int s = 0; s < 2; s++) {
		if (m->out_fd[s] >= 0) {
			set_nonblock(m->out_fd[s], 1);
			watch(m, m->out_fd[s], TAG_OUTPUT, EPOLLIN);
		}
	}
	if (m->stdin_fd >= 0)
		set_nonblock(m->stdin_fd, 1);
	if (m->watch_oom && m->oom.efd >= 0)
		watch(m, m->oom.efd, TAG_OOM, EPOLLIN);
	arm_timer(m);
	reap(m); /* it may have exited while the runtime was still running */
	struct epoll_event evs[32];
	while (!m->exited) {
		int n = epoll_wait(m->epfd, evs, 32, -1);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n && !m->exited; i++)
			dispatch(m, &evs[i]);
	}
	finish(m);
}
