/* The attach/control unix socket: framed messages to and from berthd (PROTOCOL.md). */
#ifndef BERTH_ATTACH_H
#define BERTH_ATTACH_H

#include <stdint.h>

#include "util.h"

struct client {
	int fd;
	int flags;        /* ATTACH_* output subscriptions */
	int events;       /* current epoll mask */
	int dead;         /* failed or too slow: to be dropped */
	int attached;     /* sent ATTACH (even with no stream): a reader is there */
	struct buf in;
	struct buf out;
	struct client *next;
};

struct attach;
typedef void (*frame_fn)(void *ctx, struct client *c, uint8_t type, const char *p, uint32_t n);
typedef void (*close_fn)(void *ctx, struct client *c);

struct attach {
	int listen_fd;
	int epfd;
	int input_paused; /* stdin backpressure: stop reading clients */
	int backpressure; /* a client that falls behind is waited for, not dropped */
	struct client *clients;
	frame_fn on_frame;
	close_fn on_close;
	void *ctx;
};

/* epoll tags: the high 32 bits of epoll_event.data.u64, the fd in the low bits. */
#define TAG_LISTEN 1ULL
#define TAG_CLIENT 2ULL

int attach_listen(struct attach *a, const char *path, int epfd);
void attach_accept(struct attach *a);
/* Handles readiness of a client fd. */
void attach_client_event(struct attach *a, int fd, uint32_t events);
void attach_send(struct attach *a, struct client *c, uint8_t type, const void *p, uint32_t n);
/* Output of the process to every subscribed client. */
void attach_broadcast(struct attach *a, int stream, const char *p, size_t n);
void attach_pause_input(struct attach *a, int paused);
/*
 * Serves only the socket until a client has sent ATTACH, for at most timeout_ms;
 * -1 on timeout. Frames other than ATTACH reach on_frame as usual.
 */
int attach_wait_first(struct attach *a, int timeout_ms);
/* Sends the exit frame, flushes for a bounded time and closes everything. */
void attach_shutdown(struct attach *a, int exit_code);
void attach_close_listener(struct attach *a, const char *path);

#endif
