#define _GNU_SOURCE
#include "crilog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* One read()'s worth of typical records; emit() flushes early when short lines overflow it. */
#define OUT_CAP (256 * 1024)

static const char *const stream_names[2] = {"stdout", "stderr"};

int crilog_open(struct crilog *l, const char *path)
{
	memset(l, 0, sizeof *l);
	l->path = path;
	l->out = xmalloc(OUT_CAP);
	l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	return l->fd < 0 ? -1 : 0;
}

static void stamp(struct crilog *l)
{
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	size_t n = strftime(l->ts, sizeof l->ts, "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(l->ts + n, sizeof l->ts - n, ".%09ldZ ", now.tv_nsec);
	l->ts_len = n;
}

static void write_out(struct crilog *l)
{
	if (l->out_len == 0)
		return;
	if (l->dropped > 0) {
		char msg[160];
		snprintf(msg, sizeof msg, "%s%.*sstderr F berth-shim: dropped %llu bytes of output: %s\n",
			 l->torn ? "\n" : "", (int)l->ts_len, l->ts, l->dropped, strerror(l->drop_errno));
		if (write_all(l->fd, msg, strlen(msg)) == 0) {
			l->dropped = 0;
			l->torn = 0;
		}
	}
	const char *p = l->out;
	size_t n = l->out_len;
	while (n > 0) {
		ssize_t w = write(l->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			/* Disk full or broken: drop rather than block the container. */
			l->dropped += n;
			l->drop_errno = w < 0 ? errno : ENOSPC;
			l->torn = p != l->out || l->torn;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	l->out_len = 0;
}

static void emit(struct crilog *l, int stream, char tag, const char *content, size_t n)
{
	size_t need = l->ts_len + 9 + n;
	if (l->out_len + need > OUT_CAP)
		write_out(l);
	char *o = l->out + l->out_len;
	memcpy(o, l->ts, l->ts_len);
	o += l->ts_len;
	memcpy(o, stream_names[stream], 6);
	o += 6;
	*o++ = ' ';
	*o++ = tag;
	*o++ = ' ';
	memcpy(o, content, n);
	o += n;
	*o++ = '\n';
	l->out_len = (size_t)(o - l->out);
}

void crilog_feed(struct crilog *l, int stream, const char *data, size_t n)
{
	struct crilog_stream *s = &l->streams[stream];
	stamp(l);
	while (n > 0) {
		if (s->len == CRILOG_MAX_LINE) {
			/* Decided only now, so that a line of exactly the maximum stays one F record. */
			if (data[0] == '\n') {
				emit(l, stream, 'F', s->line, s->len);
				data++;
				n--;
			} else {
				emit(l, stream, 'P', s->line, s->len);
			}
			s->len = 0;
			continue;
		}
		size_t room = CRILOG_MAX_LINE - s->len;
		size_t take = n < room ? n : room;
		const char *nl = memchr(data, '\n', take);
		if (nl) {
			size_t k = (size_t)(nl - data);
			if (s->len == 0) {
				emit(l, stream, 'F', data, k);
			} else {
				memcpy(s->line + s->len, data, k);
				emit(l, stream, 'F', s->line, s->len + k);
				s->len = 0;
			}
			data += k + 1;
			n -= k + 1;
		} else {
			memcpy(s->line + s->len, data, take);
			s->len += take;
			data += take;
			n -= take;
		}
	}
	write_out(l);
}

void crilog_finish(struct crilog *l, char last_tag)
{
	stamp(l);
	for (int i = 0; i < 2; i++) {
		struct crilog_stream *s = &l->streams[i];
		if (s->len > 0)
			emit(l, i, last_tag, s->line, s->len);
		s->len = 0;
	}
	write_out(l);
}

void crilog_notice(struct crilog *l, const char *msg)
{
	stamp(l);
	emit(l, STREAM_STDERR, 'F', msg, strlen(msg));
	write_out(l);
}

int crilog_reopen(struct crilog *l)
{
	int fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	/* Records are written whole on every feed, so nothing is pending here. */
	close(l->fd);
	l->fd = fd;
	return 0;
}

void crilog_close(struct crilog *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
