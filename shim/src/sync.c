#include "sync.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static void send_line(int fd, struct buf *b)
{
	buf_append(b, "\n", 1);
	/* berthd may be gone: losing the message is all that can happen (SIGPIPE is ignored). */
	(void)write_all(fd, b->data, b->len);
	buf_free(b);
}

void sync_send_shim(int fd, pid_t shim_pid)
{
	char line[64];
	int n = snprintf(line, sizeof line, "{\"type\":\"shim\",\"pid\":%d}\n", (int)shim_pid);
	(void)write_all(fd, line, (size_t)n);
}

void sync_send_started(int fd, pid_t pid)
{
	char line[64];
	int n = snprintf(line, sizeof line, "{\"type\":\"started\",\"pid\":%d}\n", (int)pid);
	(void)write_all(fd, line, (size_t)n);
}

void sync_send_error(int fd, const char *stage, int status, const char *msg, size_t msglen)
{
	struct buf b = {0};
	char head[96];
	int n = snprintf(head, sizeof head, "{\"type\":\"error\",\"stage\":\"%s\",\"status\":%d,\"message\":",
			 stage, status);
	buf_append(&b, head, (size_t)n);
	json_append_string(&b, msg, msglen);
	buf_append(&b, "}", 1);
	send_line(fd, &b);
}
