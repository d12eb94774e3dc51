#define _GNU_SOURCE
#include "attach.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "crilog.h"
#include "protocol.h"

/*
 * A client that cannot keep up loses its attach rather than stall the container;
 * with backpressure it is waited for until it is down to half of this.
 */
#define CLIENT_OUT_MAX (4u << 20)
#define SHUTDOWN_FLUSH_MS 500

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int attach_listen(struct attach *a, const char *path, int epfd)
{
	memset(a, 0, sizeof *a);
	a->epfd = epfd;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	strcpy(sa.sun_path, path); /* length checked with the options */
	a->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (a->listen_fd < 0)
		return -1;
	unlink(path);
	mode_t old = umask(0077); /* only root (berthd) may attach */
	int r = bind(a->listen_fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (r < 0 || listen(a->listen_fd, 16) < 0)
		return -1;
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_LISTEN << 32};
	return epoll_ctl(epfd, EPOLL_CTL_ADD, a->listen_fd, &ev);
}

static void update_events(struct attach *a, struct client *c)
{
	int want = (a->input_paused ? 0 : EPOLLIN) | (c->out.len ? EPOLLOUT : 0);
	if (want == c->events)
		return;
	struct epoll_event ev = {.events = (uint32_t)want, .data.u64 = (TAG_CLIENT << 32) | (uint32_t)c->fd};
	epoll_ctl(a->epfd, EPOLL_CTL_MOD, c->fd, &ev);
	c->events = want;
}

void attach_accept(struct attach *a)
{
	for (;;) {
		int fd = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		struct client *c = calloc(1, sizeof *c);
		if (!c) {
			close(fd);
			return;
		}
		c->fd = fd;
		c->events = a->input_paused ? 0 : EPOLLIN;
		struct epoll_event ev = {.events = (uint32_t)c->events,
					 .data.u64 = (TAG_CLIENT << 32) | (uint32_t)fd};
		epoll_ctl(a->epfd, EPOLL_CTL_ADD, fd, &ev);
		c->next = a->clients;
		a->clients = c;
	}
}

static void drop_client(struct attach *a, struct client *c)
{
	for (struct client **p = &a->clients; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	epoll_ctl(a->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	if (a->on_close)
		a->on_close(a->ctx, c);
	free(c);
}

static int flush_client(struct client *c)
{
	while (c->out.len) {
		ssize_t w = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return 0;
		if (w < 0)
			return -1;
		buf_consume(&c->out, (size_t)w);
	}
	return 0;
}

/*
 * Blocks the whole loop on one client: nothing reads the process's output meanwhile,
 * so the process stops at a full pipe or pty. Only a broken client ends the wait.
 */
static int wait_for_client(struct client *c)
{
	while (c->out.len > CLIENT_OUT_MAX / 2) {
		struct pollfd p = {.fd = c->fd, .events = POLLOUT};
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return -1;
		if (flush_client(c) < 0)
			return -1;
	}
	return 0;
}

void attach_send(struct attach *a, struct client *c, uint8_t type, const void *p, uint32_t n)
{
	unsigned char h[FRAME_HEADER] = {type, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
					 (unsigned char)(n >> 8), (unsigned char)n};
	buf_append(&c->out, h, sizeof h);
	buf_append(&c->out, p, n);
	int broken = flush_client(c) < 0;
	if (!broken && c->out.len > CLIENT_OUT_MAX)
		broken = !a->backpressure || wait_for_client(c) < 0;
	/* Dropped by the caller, which may still be using c. */
	if (broken) {
		c->dead = 1;
		return;
	}
	update_events(a, c);
}

void attach_broadcast(struct attach *a, int stream, const char *p, size_t n)
{
	int bit = stream == STREAM_STDOUT ? ATTACH_STDOUT : ATTACH_STDERR;
	uint8_t type = stream == STREAM_STDOUT ? F_STDOUT : F_STDERR;
	struct client *next;
	for (struct client *c = a->clients; c; c = next) {
		next = c->next;
		if (c->flags & bit)
			attach_send(a, c, type, p, (uint32_t)n);
		if (c->dead)
			drop_client(a, c);
	}
}

/* Parses whole frames out of c->in; returns -1 on a protocol violation. */
static int parse_frames(struct attach *a, struct client *c)
{
	size_t off = 0;
	while (c->in.len - off >= FRAME_HEADER) {
		const unsigned char *h = (const unsigned char *)c->in.data + off;
		uint32_t n = (uint32_t)h[1] << 24 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 8 | h[4];
		if (n > FRAME_MAX_PAYLOAD)
			return -1;
		if (c->in.len - off < FRAME_HEADER + n)
			break;
		if (h[0] == F_ATTACH) {
			c->flags = n > 0 ? h[FRAME_HEADER] : (ATTACH_STDOUT | ATTACH_STDERR);
			c->attached = 1;
		} else
			a->on_frame(a->ctx, c, h[0], (const char *)h + FRAME_HEADER, n);
		off += FRAME_HEADER + n;
		/* The callback may have paused input: leave the rest for later. */
		if (a->input_paused)
			break;
	}
	buf_consume(&c->in, off);
	return 0;
}

void attach_client_event(struct attach *a, int fd, uint32_t events)
{
	struct client *c = a->clients;
	while (c && c->fd != fd)
		c = c->next;
	if (!c)
		return;
	if ((events & EPOLLOUT) && flush_client(c) < 0) {
		drop_client(a, c);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		char chunk[16384];
		ssize_t r = recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			drop_client(a, c);
			return;
		}
		if (r > 0) {
			buf_append(&c->in, chunk, (size_t)r);
			if (parse_frames(a, c) < 0 || c->dead) {
				drop_client(a, c);
				return;
			}
		}
	}
	update_events(a, c);
}

void attach_pause_input(struct attach *a, int paused)
{
	if (a->input_paused == paused)
		return;
	a->input_paused = paused;
	for (struct client *c = a->clients; c; c = c->next)
		update_events(a, c);
	if (!paused) {
		struct client *next;
		for (struct client *c = a->clients; c; c = next) {
			next = c->next;
			if ((c->in.len && parse_frames(a, c) < 0) || c->dead)
				drop_client(a, c);
		}
	}
}

static int any_attached(const struct attach *a)
{
	for (const struct client *c = a->clients; c; c = c->next)
		if (c->attached)
			return 1;
	return 0;
}

int attach_wait_first(struct attach *a, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	while (!any_attached(a)) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return -1;
		struct epoll_event evs[8];
		/* Only the listener and its clients are registered this early. */
		int n = epoll_wait(a->epfd, evs, 8, (int)left);
		if (n < 0 && errno != EINTR)
			return -1;
		for (int i = 0; i < n; i++) {
			unsigned long long tag = evs[i].data.u64 >> 32;
			if (tag == TAG_LISTEN)
				attach_accept(a);
			else if (tag == TAG_CLIENT)
				attach_client_event(a, (int)(evs[i].data.u64 & 0xffffffffu), evs[i].events);
		}
	}
	return 0;
}

void attach_close_listener(struct attach *a, const char *path)
{
	if (a->listen_fd >= 0) {
		epoll_ctl(a->epfd, EPOLL_CTL_DEL, a->listen_fd, NULL);
		close(a->listen_fd);
		unlink(path);
	}
	a->listen_fd = -1;
}

/*
 * Bounded in time, since a stuck client must not keep the shim alive; with
 * backpressure the client is the exec's only reader and gets all of it, until
 * its connection breaks.
 */
static void flush_at_exit(struct attach *a, struct client *c)
{
	long long deadline = now_ms() + SHUTDOWN_FLUSH_MS;
	while (flush_client(c) == 0 && c->out.len) {
		long long left = deadline - now_ms();
		if (!a->backpressure && left <= 0)
			return;
		struct pollfd p = {.fd = c->fd, .events = POLLOUT};
		if (poll(&p, 1, a->backpressure ? -1 : (int)left) < 0 && errno != EINTR)
			return;
	}
}

void attach_shutdown(struct attach *a, int exit_code)
{
	unsigned char code[4] = {(unsigned char)(exit_code >> 24), (unsigned char)(exit_code >> 16),
				 (unsigned char)(exit_code >> 8), (unsigned char)exit_code};
	a->on_close = NULL;
	while (a->clients) {
		struct client *c = a->clients;
		unsigned char h[FRAME_HEADER] = {F_EXIT, 0, 0, 0, 4};
		buf_append(&c->out, h, sizeof h);
		buf_append(&c->out, code, sizeof code);
		flush_at_exit(a, c);
		drop_client(a, c);
	}
}
