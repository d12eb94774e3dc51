/*
 * Unit tests of the attach socket's streaming-exec behaviour: waiting for the
 * first ATTACH, and a slow client that is waited for (backpressure) or dropped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "crilog.h"
#include "protocol.h"
#include "check.h"

#define CHUNK (64 * 1024)
#define CHUNKS 160 /* 10 MiB: well past the 4 MiB a client may lag */

static void no_frame(void *ctx, struct client *c, uint8_t type, const char *p, uint32_t n)
{
	(void)ctx, (void)c, (void)type, (void)p, (void)n;
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int dial(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	for (int i = 0; i < 500; i++) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			return fd;
		usleep(2000);
	}
	return -1;
}

/* The client: attaches after a delay, reads nothing for a while, then counts STDOUT bytes to EOF. */
static void client(const char *path, int attach_delay_ms, int stall_ms, int result_fd)
{
	int fd = dial(path);
	usleep((useconds_t)attach_delay_ms * 1000);
	unsigned char attach[] = {F_ATTACH, 0, 0, 0, 1, ATTACH_STDOUT};
	(void)!write(fd, attach, sizeof attach);
	usleep((useconds_t)stall_ms * 1000);
	long long reading_since = now_ms();
	long long got = 0;
	unsigned char h[FRAME_HEADER];
	static char payload[FRAME_MAX_PAYLOAD];
	for (;;) {
		size_t have = 0;
		ssize_t r = 0;
		while (have < sizeof h && (r = read(fd, h + have, sizeof h - have)) > 0)
			have += (size_t)r;
		if (have < sizeof h)
			break;
		uint32_t n = (uint32_t)h[1] << 24 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 8 | h[4];
		for (uint32_t left = n; left > 0 && (r = read(fd, payload, left)) > 0;)
			left -= (uint32_t)r;
		if (h[0] == F_STDOUT)
			got += n;
	}
	long long result[2] = {got, reading_since};
	(void)!write(result_fd, result, sizeof result);
	_exit(0);
}

/*
 * Runs one exchange; returns the bytes the client received. *early_ms is how long before the
 * client started reading the sending was over (negative: it lasted until the client read).
 */
static long long exchange(int backpressure, int attach_delay_ms, int stall_ms, long long *early_ms)
{
	char path[] = "/tmp/berth-attach-test-XXXXXX";
	int tmp = mkstemp(path);
	close(tmp);
	unlink(path);
	struct attach a;
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	CHECK(attach_listen(&a, path, epfd) == 0, "listen on %s: %s", path, strerror(errno));
	a.on_frame = no_frame;
	a.backpressure = backpressure;
	int result[2];
	CHECK(pipe(result) == 0, "pipe");
	pid_t pid = fork();
	if (pid == 0)
		client(path, attach_delay_ms, stall_ms, result[1]);
	long long start = now_ms();
	CHECK(attach_wait_first(&a, 5000) == 0, "no ATTACH seen");
	CHECK(now_ms() - start >= attach_delay_ms - 5, "returned before the client attached");
	static char chunk[CHUNK];
	for (int i = 0; i < CHUNKS; i++)
		attach_broadcast(&a, STREAM_STDOUT, chunk, sizeof chunk);
	long long sent = now_ms();
	attach_shutdown(&a, 0);
	long long got[2] = {-1, 0};
	(void)!read(result[0], got, sizeof got);
	*early_ms = got[1] - sent;
	waitpid(pid, NULL, 0);
	attach_close_listener(&a, path);
	close(result[0]);
	close(result[1]);
	close(epfd);
	return got[0];
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	long long early;
	long long got = exchange(1, 200, 500, &early);
	CHECK(got == (long long)CHUNK * CHUNKS, "backpressure: client got %lld of %d bytes", got, CHUNK * CHUNKS);
	/* 10 MiB cannot all be sent before the client reads: the buffers on the way hold far less. */
	CHECK(early <= 0, "backpressure: sending ended %lld ms before the client read anything", early);
	got = exchange(0, 0, 500, &early);
	CHECK(got < (long long)CHUNK * CHUNKS, "without backpressure a stalled client is dropped, got %lld", got);
	if (failures) {
		fprintf(stderr, "test_attach: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_attach: ok\n");
	return 0;
}
