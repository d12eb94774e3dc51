/* Small helpers shared by every part of the shim. */
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* A growable byte buffer. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_append(struct buf *b, const void *p, size_t n);
void buf_consume(struct buf *b, size_t n);
void buf_free(struct buf *b);

/* Appends s as a JSON string literal (quotes included). */
void json_append_string(struct buf *b, const char *s, size_t n);

int set_nonblock(int fd, int on);
int set_cloexec(int fd);
/* write() until done or a real error; returns 0 or -1 with errno. */
int write_all(int fd, const void *p, size_t n);
/* Reads a small file into a NUL-terminated malloc'ed string, or NULL. */
char *read_small_file(const char *path, size_t max);
/* Shim diagnostics go to stderr while berthd listens, nowhere after. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xmalloc(size_t n);

#endif
