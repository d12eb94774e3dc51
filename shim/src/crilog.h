/*
 * The CRI log file writer: "<RFC3339Nano> <stdout|stderr> <P|F> <content>\n".
 * Lines longer than CRILOG_MAX_LINE become P records followed by an F record.
 */
#ifndef BERTH_CRILOG_H
#define BERTH_CRILOG_H

#include <stddef.h>

#define CRILOG_MAX_LINE 16384

enum { STREAM_STDOUT = 0, STREAM_STDERR = 1 };

struct crilog_stream {
	char line[CRILOG_MAX_LINE];
	size_t len;
};

struct crilog {
	int fd;
	const char *path;
	struct crilog_stream streams[2];
	char *out;                 /* records waiting for write() */
	size_t out_len;
	char ts[40];               /* timestamp of the current feed, with trailing space */
	size_t ts_len;
	unsigned long long dropped; /* bytes lost to write errors since the last notice */
	int drop_errno;
	int torn;                  /* the last failed write may have cut a record short */
};

int crilog_open(struct crilog *l, const char *path);
/* Logs n bytes of one stream; everything is on disk (or dropped) on return. */
void crilog_feed(struct crilog *l, int stream, const char *data, size_t n);
/* Writes what is left of unterminated lines as F records. */
/* Writes what is left of unterminated lines, tagged last_tag: 'F' for a container's
 * log (containerd and the kubelet's reader treat an unterminated last line as full),
 * 'P' for an exec's private log, whose reader must return the output byte for byte. */
void crilog_finish(struct crilog *l, char last_tag);
/* A line of the shim's own, logged as stderr. */
void crilog_notice(struct crilog *l, const char *msg);
/* Opens the path anew (after rotation); on failure keeps the old file and returns -1. */
int crilog_reopen(struct crilog *l);
void crilog_close(struct crilog *l);

#endif
